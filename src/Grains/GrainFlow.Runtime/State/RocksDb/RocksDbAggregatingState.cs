using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>An accumulator per key and namespace (read, add, write); namespaces merge by merging their accumulators (<see cref="IAggregateFunction{TIn, TAcc, TOut}.Merge"/>).</summary>
internal sealed class RocksDbAggregatingState<TKey, TNamespace, TIn, TAcc, TOut>(
    RocksDbKeyedStateBackend<TKey> backend, IRocksDbStateTable table, IAggregateFunction<TIn, TAcc, TOut> function)
    : RocksDbKvState<TKey, TNamespace>(backend, table), IInternalAggregatingState<TNamespace, TIn, TOut>
    where TKey : notnull
    where TNamespace : notnull
{
    private readonly RocksDbValueCodec<TAcc> _accumulators = new(backend.Codecs.For<TAcc>());

    public TOut? Get() => GetBytes(Namespace) is { } bytes ? function.GetResult(_accumulators.Read(bytes)) : default;

    public void Add(TIn value) =>
        PutBytes(Namespace, _accumulators.Write(function.Add(value, GetBytes(Namespace) is { } bytes ? _accumulators.Read(bytes) : function.CreateAccumulator())));

    public void MergeNamespaces(TNamespace target, IEnumerable<TNamespace> sources) => MergeNamespaces(target, sources, _accumulators.Merging(function.Merge));
}
