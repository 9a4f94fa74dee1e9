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
        Node.ExplicitUid = ValidUid(uid);
        return this;
    }

    public DataStream<T> Name(string name)
    {
        Node.Name = name;
        return this;
    }

    public DataStream<T> Parallelism(int parallelism)
    {
        Node.ExplicitParallelism = parallelism;
        return this;
    }

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
