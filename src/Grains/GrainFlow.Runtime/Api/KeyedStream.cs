using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Graph;

namespace GrainFlow.Runtime.Api;

/// <summary>A stream partitioned by key; operators on it see keyed state scoped to the current record's key.</summary>
public sealed class KeyedStream<T, TKey> where TKey : notnull
{
    private readonly DataStream<T> _input;
    private readonly Func<T, TKey> _keySelector;

    internal KeyedStream(DataStream<T> input, Func<T, TKey> keySelector)
    {
        _input = input;
        _keySelector = keySelector;
    }

    public DataStream<TOut> Process<TOut>(KeyedProcessFunction<TKey, T, TOut> function, string name = "KeyedProcess") =>
        Add(new KeyedProcessNode<TKey, T, TOut>(_input.Environment.NextNodeId, name, _keySelector, function) { Input = _input.Node, InputPartitioning = PartitionKind.Hash });

    /// <summary>Rolling reduce: emits the key's reduced value after every record.</summary>
    public DataStream<T> Reduce(Func<T, T, T> reduce, string name = "Reduce") =>
        Add(new ReduceNode<TKey, T>(_input.Environment.NextNodeId, name, _keySelector, reduce) { Input = _input.Node, InputPartitioning = PartitionKind.Hash });

    /// <summary>Rolling aggregate: emits the key's current result after every record.</summary>
    public DataStream<TOut> Aggregate<TAcc, TOut>(IAggregateFunction<T, TAcc, TOut> function, string name = "Aggregate") =>
        Add(new AggregateNode<TKey, T, TAcc, TOut>(_input.Environment.NextNodeId, name, _keySelector, function) { Input = _input.Node, InputPartitioning = PartitionKind.Hash });

    /// <summary>Cuts each key's records into the windows <paramref name="assigner"/> gives them (Flink's <c>window</c>).</summary>
    public WindowedStream<T, TKey, W> Window<W>(Windowing.WindowAssigner<W> assigner) where W : Windowing.Window => new(_input, _keySelector, assigner);

    private DataStream<TOut> Add<TOut>(StreamNode<TOut> node)
    {
        _input.Node.ConsumerPartitioners[node] = new KeyGroupPartitioner<T, TKey>(_keySelector);
        return new DataStream<TOut>(_input.Environment, _input.Environment.Add(node));
    }
}
