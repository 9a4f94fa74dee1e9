namespace GrainFlow.Runtime.State;

/// <summary>A value per key and namespace that every added value is reduced into; namespaces merge by reducing their values.</summary>
internal sealed class HeapReducingState<TKey, TNamespace, TValue>(HeapKeyedStateBackend<TKey> backend, NamespacedTable<TKey, TNamespace, TValue> table, Func<TValue, TValue, TValue> reduce)
    : HeapKvState<TKey, TNamespace, TValue>(backend, table), IInternalReducingState<TNamespace, TValue>, IInternalReadOnceState<TValue>
    where TKey : notnull
    where TNamespace : notnull
{
    public TValue? Get() => TryGetCurrent(out var value) ? value : default;

    public bool TryGet(out TValue value) => TryGetCurrent(out value);

    public bool TryTake(out TValue value) => TryTakeCurrent(out value);

    public void Add(TValue value)
    {
        ref var slot = ref CurrentSlot(out var exists);
        slot = exists ? reduce(slot!, value) : value;
    }

    public void MergeNamespaces(TNamespace target, IEnumerable<TNamespace> sources) => MergeNamespaces(target, sources, reduce);
}
