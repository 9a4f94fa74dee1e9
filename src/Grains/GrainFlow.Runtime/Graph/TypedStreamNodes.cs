using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Graph;

/// <summary>A node producing <typeparamref name="TOut"/>: can build the network writer when it ends a vertex.</summary>
internal abstract class StreamNode<TOut>(int id, string kind, string name) : StreamNode(id, kind, name)
{
    public override Type OutputType => typeof(TOut);

    /// <summary>The partitioner a consumer declared for its input from this node.</summary>
    public Dictionary<StreamNode, Partitioner<TOut>?> ConsumerPartitioners { get; } = new();

    internal Partitioner<TOut> PartitionerFor(StreamNode consumer, int senderSubtask) =>
        ConsumerPartitioners.GetValueOrDefault(consumer) ?? consumer.InputPartitioning switch
        {
            PartitionKind.Rebalance => new RebalancePartitioner<TOut>(),
            PartitionKind.Broadcast => new BroadcastPartitioner<TOut>(),
            _ => new ForwardPartitioner<TOut>(senderSubtask),
        };

    internal override object CreateEdgeWriter(StreamNode consumer, int senderSubtask, OutputChannel[] channels, int batchSize, int maxParallelism, RecordTimestamp timestamp) =>
        new EdgeWriter<TOut>(PartitionerFor(consumer, senderSubtask), channels, batchSize, maxParallelism, senderSubtask, timestamp);

    internal override (object Collector, INetworkOutput Network) CreateNetworkOutput(IEnumerable<object> edgeWriters)
    {
        var writer = new RecordWriter<TOut>(edgeWriters.Cast<EdgeWriter<TOut>>().ToList());
        return (writer, writer);
    }

    internal override object CreateDiscardingOutput() => DiscardingCollector<TOut>.Instance;
}

internal sealed class DiscardingCollector<T> : ICollector<T>
{
    public static readonly DiscardingCollector<T> Instance = new();

    public void Collect(T record) { }
}

/// <summary>A node with one input of <typeparamref name="TIn"/>.</summary>
internal abstract class OneInputNode<TIn, TOut>(int id, string kind, string name) : StreamNode<TOut>(id, kind, name)
{
    internal abstract OperatorBase<TIn> CreateOperator(ICollector<TOut> output);

    internal override IStreamOperator Instantiate(object output) => CreateOperator((ICollector<TOut>)output);

    internal override IBatchInput CreateBatchInput(IStreamOperator instance, RecordTimestamp timestamp) => new BatchInput<TIn>((OperatorBase<TIn>)instance, timestamp);
}

/// <summary>Feeds the records of a <see cref="ChannelBatch"/> into a chain head.</summary>
internal interface IBatchInput
{
    void Process(ChannelBatch batch);
}

/// <summary>Feeds a batch's <c>T[]</c> into a chain head, setting the chain's timestamp slot before each record.</summary>
internal sealed class BatchInput<T>(ICollector<T> head, RecordTimestamp timestamp) : IBatchInput
{
    public void Process(ChannelBatch batch)
    {
        if (batch.Count == 0) return;
        var records = (T[])batch.Records!;
        if (batch.Timestamps is not { } timestamps)
        {
            timestamp.Current = RecordTimestamp.None;
            for (var i = 0; i < batch.Count; i++) head.Collect(records[i]);
            return;
        }
        for (var i = 0; i < batch.Count; i++)
        {
            timestamp.Current = timestamps[i];
            head.Collect(records[i]);
        }
    }
}

internal sealed class SourceNode<T>(int id, string name, ISource<T> source, WatermarkStrategy<T> watermarkStrategy)
    : StreamNode<T>(id, "source", name), ISourceNode
{
    public ISource<T> Source { get; } = source;

    /// <summary>How the source's records get timestamps and its splits watermarks.</summary>
    public WatermarkStrategy<T> WatermarkStrategy { get; } = watermarkStrategy;

    internal override IStreamOperator Instantiate(object output) => new SourceDriver<T>(Uid, Name, Source, WatermarkStrategy, (ICollector<T>)output);

    internal override IBatchInput CreateBatchInput(IStreamOperator instance, RecordTimestamp timestamp) =>
        throw new InvalidOperationException($"Source '{Uid}' has no input channels.");
}

internal sealed class MapNode<TIn, TOut>(int id, string name, Func<TIn, TOut> map) : OneInputNode<TIn, TOut>(id, "map", name)
{
    internal override OperatorBase<TIn> CreateOperator(ICollector<TOut> output) => new MapOperator<TIn, TOut>(Uid, Name, map, output);
}

internal sealed class FilterNode<T>(int id, string name, Func<T, bool> predicate) : OneInputNode<T, T>(id, "filter", name)
{
    internal override OperatorBase<T> CreateOperator(ICollector<T> output) => new FilterOperator<T>(Uid, Name, predicate, output);
}

internal sealed class FlatMapNode<TIn, TOut>(int id, string name, Action<TIn, ICollector<TOut>> flatMap) : OneInputNode<TIn, TOut>(id, "flatmap", name)
{
    internal override OperatorBase<TIn> CreateOperator(ICollector<TOut> output) => new FlatMapOperator<TIn, TOut>(Uid, Name, flatMap, output);
}

internal sealed class ProcessNode<TIn, TOut>(int id, string name, ProcessFunction<TIn, TOut> function) : OneInputNode<TIn, TOut>(id, "process", name)
{
    internal override OperatorBase<TIn> CreateOperator(ICollector<TOut> output) => new ProcessOperator<TIn, TOut>(Uid, Name, function, output);
}

internal sealed class KeyedProcessNode<TKey, TIn, TOut>(int id, string name, Func<TIn, TKey> keySelector, KeyedProcessFunction<TKey, TIn, TOut> function)
    : OneInputNode<TIn, TOut>(id, "process", name)
    where TKey : notnull
{
    public override bool IsKeyed => true;

    internal override OperatorBase<TIn> CreateOperator(ICollector<TOut> output) =>
        new KeyedProcessOperator<TKey, TIn, TOut>(Uid, Name, keySelector, function, output);
}

internal sealed class ReduceNode<TKey, T>(int id, string name, Func<T, TKey> keySelector, Func<T, T, T> reduce)
    : OneInputNode<T, T>(id, "reduce", name)
    where TKey : notnull
{
    public override bool IsKeyed => true;

    internal override OperatorBase<T> CreateOperator(ICollector<T> output) => new ReduceOperator<TKey, T>(Uid, Name, keySelector, reduce, output);
}

internal sealed class AggregateNode<TKey, TIn, TAcc, TOut>(int id, string name, Func<TIn, TKey> keySelector, IAggregateFunction<TIn, TAcc, TOut> function)
    : OneInputNode<TIn, TOut>(id, "aggregate", name)
    where TKey : notnull
{
    public override bool IsKeyed => true;

    internal override OperatorBase<TIn> CreateOperator(ICollector<TOut> output) =>
        new AggregateOperator<TKey, TIn, TAcc, TOut>(Uid, Name, keySelector, function, output);
}

internal sealed class TimestampsAndWatermarksNode<T>(int id, string name, WatermarkStrategy<T> watermarkStrategy)
    : OneInputNode<T, T>(id, "timestamps", name)
{
    internal override OperatorBase<T> CreateOperator(ICollector<T> output) => new TimestampsAndWatermarksOperator<T>(Uid, Name, watermarkStrategy, output);
}

internal sealed class SinkNode<T>(int id, string name, Sinks.ISink<T> sink) : OneInputNode<T, T>(id, "sink", name)
{
    internal override OperatorBase<T> CreateOperator(ICollector<T> output) => new SinkOperator<T>(Uid, Name, sink);
}
