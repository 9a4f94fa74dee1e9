using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.Sinks;

namespace GrainFlow.Runtime.Api;

/// <summary>A stream of <typeparamref name="T"/> records and the operator that produces them.</summary>
public class DataStream<T>
{
    internal DataStream(StreamExecutionEnvironment env, StreamNode<T> node, PartitionKind partitioning = PartitionKind.Forward)
    {
        Environment = env;
        Node = node;
        Partitioning = partitioning;
    }

    public StreamExecutionEnvironment Environment { get; }

    internal StreamNode<T> Node { get; }

    /// <summary>How the next operator receives these records (set by <see cref="Rebalance"/>).</summary>
    internal PartitionKind Partitioning { get; }

    /// <summary>Sets the operator's stable id: state is matched to operators by uid when a job is restored.</summary>
    public DataStream<T> Uid(string uid)
    {
        Operator.ExplicitUid = ValidUid(uid);
        return this;
    }

    public DataStream<T> Name(string name)
    {
        Operator.Name = name;
        return this;
    }

    public DataStream<T> Parallelism(int parallelism)
    {
        Operator.ExplicitParallelism = parallelism;
        return this;
    }

    /// <summary>
    /// The records this stream's operator emits to <paramref name="tag"/> (Flink's <c>getSideOutput</c>), with
    /// their timestamps. Read it like any stream; the main output keeps going to its own consumers.
    /// </summary>
    public DataStream<TSide> GetSideOutput<TSide>(OutputTag<TSide> tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var producer = Operator;
        if (!producer.SideOutputs.TryGetValue(tag.Id, out var node))
        {
            node = new SideOutputNode<TSide>(producer, tag);
            producer.SideOutputs.Add(tag.Id, node);
        }
        return node is SideOutputNode<TSide> side
            ? new DataStream<TSide>(Environment, side)
            : throw new ArgumentException(
                $"Side output '{tag.Id}' of '{producer.Name}' is already read as {((ISideOutputNode)node).Tag}, not as {tag}: side output ids need to be unique.", nameof(tag));
    }

    /// <summary>This stream's operator: a side output is not one, so what configures an operator refuses it.</summary>
    private StreamNode<T> Operator => Node is ISideOutputNode side
        ? throw new InvalidOperationException(
            $"{side.Tag} is a side output of '{side.Producer.Name}', not an operator: set uids, names and parallelism on the operator that emits it or on the operators that read it.")
        : Node;

    /// <summary>Runs <paramref name="function"/> on every record; it can emit to side outputs, read with <see cref="GetSideOutput{TSide}"/>.</summary>
    public DataStream<TOut> Process<TOut>(ProcessFunction<T, TOut> function, string name = "Process") =>
        Add(new ProcessNode<T, TOut>(Environment.NextNodeId, name, function) { Input = Node, InputPartitioning = Partitioning });

    public DataStream<TOut> Map<TOut>(Func<T, TOut> map, string name = "Map") =>
        Add(new MapNode<T, TOut>(Environment.NextNodeId, name, map) { Input = Node, InputPartitioning = Partitioning });

    public DataStream<T> Filter(Func<T, bool> predicate, string name = "Filter") =>
        Add(new FilterNode<T>(Environment.NextNodeId, name, predicate) { Input = Node, InputPartitioning = Partitioning });

    public DataStream<TOut> FlatMap<TOut>(Action<T, ICollector<TOut>> flatMap, string name = "FlatMap") =>
        Add(new FlatMapNode<T, TOut>(Environment.NextNodeId, name, flatMap) { Input = Node, InputPartitioning = Partitioning });

    public DataStream<TOut> FlatMap<TOut>(Func<T, IEnumerable<TOut>> flatMap, string name = "FlatMap") =>
        FlatMap<TOut>((value, output) =>
        {
            foreach (var item in flatMap(value)) output.Collect(item);
        }, name);

    /// <summary>
    /// Gives the records new timestamps and the stream new watermarks from <paramref name="watermarkStrategy"/>
    /// (Flink's <c>assignTimestampsAndWatermarks</c>). Watermarks from before this operator are dropped, except
    /// the end of input's; prefer a strategy on the source (<c>FromSource(source, strategy, name)</c>), which
    /// keeps one watermark per split.
    /// </summary>
    public DataStream<T> AssignTimestampsAndWatermarks(WatermarkStrategy<T> watermarkStrategy, string name = "Timestamps/Watermarks")
    {
        ArgumentNullException.ThrowIfNull(watermarkStrategy);
        if (watermarkStrategy.Alignment is { } alignment)
        {
            throw new ArgumentException(
                $"'{name}' assigns watermarks mid-stream with alignment group '{alignment.Group}', but only sources can pause to align: give the strategy with WithWatermarkAlignment to FromSource instead.",
                nameof(watermarkStrategy));
        }
        return Add(new TimestampsAndWatermarksNode<T>(Environment.NextNodeId, name, watermarkStrategy) { Input = Node, InputPartitioning = Partitioning });
    }

    /// <summary>Partitions by key: each key's records go to the subtask that owns the key's key group.</summary>
    public KeyedStream<T, TKey> KeyBy<TKey>(Func<T, TKey> keySelector) where TKey : notnull
    {
        if (!KeyGroups.StableKeyHash.Supports(typeof(TKey))) throw new ArgumentException(KeyGroups.StableKeyHash.UnsupportedMessage(typeof(TKey)), nameof(keySelector));
        return new KeyedStream<T, TKey>(this, keySelector);
    }

    /// <summary>Spreads the records round robin over the next operator's subtasks.</summary>
    public DataStream<T> Rebalance() => new(Environment, Node, PartitionKind.Rebalance);

    /// <summary>Sends every record to every subtask of the next operator.</summary>
    public DataStream<T> Broadcast() => new(Environment, Node, PartitionKind.Broadcast);

    public DataStreamSink<T> SinkTo(ISink<T> sink, string name = "Sink")
    {
        var node = Environment.Add(new SinkNode<T>(Environment.NextNodeId, name, sink) { Input = Node, InputPartitioning = Partitioning });
        return new DataStreamSink<T>(node);
    }

    private DataStream<TOut> Add<TOut>(StreamNode<TOut> node) => new(Environment, Environment.Add(node));

    internal static string ValidUid(string uid)
    {
        if (string.IsNullOrWhiteSpace(uid) || uid.Contains('/') || uid.Length > 128 || uid.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"'{uid}' is not a valid uid: use 1 to 128 characters without '/' or spaces.", nameof(uid));
        }
        return uid;
    }
}

/// <summary>The end of a dataflow.</summary>
public sealed class DataStreamSink<T>
{
    internal DataStreamSink(StreamNode node) => Node = node;

    internal StreamNode Node { get; }

    public DataStreamSink<T> Uid(string uid)
    {
        Node.ExplicitUid = DataStream<T>.ValidUid(uid);
        return this;
    }

    public DataStreamSink<T> Name(string name)
    {
        Node.Name = name;
        return this;
    }

    public DataStreamSink<T> Parallelism(int parallelism)
    {
        Node.ExplicitParallelism = parallelism;
        return this;
    }
}
