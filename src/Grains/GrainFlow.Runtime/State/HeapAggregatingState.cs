using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.State;

/// <summary>An accumulator per key and namespace; namespaces merge by merging their accumulators (<see cref="IAggregateFunction{TIn, TAcc, TOut}.Merge"/>).</summary>
internal sealed class HeapAggregatingState<TKey, TNamespace, TIn, TAcc, TOut>(
    HeapKeyedStateBackend<TKey> backend, NamespacedTable<TKey, TNamespace, TAcc> table, IAggregateFunction<TIn, TAcc, TOut> function)
    : HeapKvState<TKey, TNamespace, TAcc>(backend, table), IInternalAggregatingState<TNamespace, TIn, TOut>, IInternalReadOnceState<TOut>
    where TKey : notnull
    where TNamespace : notnull
{
    public TOut? Get() => TryGetCurrent(out var accumulator) ? function.GetResult(accumulator) : default;

    public bool TryGet(out TOut result) => Result(TryGetCurrent(out var accumulator), accumulator, out result);

    public bool TryTake(out TOut result) => Result(TryTakeCurrent(out var accumulator), accumulator, out result);

    private bool Result(bool has, TAcc accumulator, out TOut result)
    {
        result = has ? function.GetResult(accumulator) : default!;
        return has;
    }

    public void Add(TIn value)
    {
        ref var slot = ref CurrentSlot(out var exists);
        slot = function.Add(value, exists ? slot! : function.CreateAccumulator());
    }

    public void MergeNamespaces(TNamespace target, IEnumerable<TNamespace> sources) => MergeNamespaces(target, sources, function.Merge);
}
