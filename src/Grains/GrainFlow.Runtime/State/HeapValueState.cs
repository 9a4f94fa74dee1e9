namespace GrainFlow.Runtime.State;

internal sealed class HeapValueState<TKey, TNamespace, TValue>(HeapKeyedStateBackend<TKey> backend, NamespacedTable<TKey, TNamespace, TValue> table)
    : HeapKvState<TKey, TNamespace, TValue>(backend, table), IInternalValueState<TNamespace, TValue>
    where TKey : notnull
    where TNamespace : notnull
{
    public TValue? Value => TryGetCurrent(out var value) ? value : default;

    public void Update(TValue value) => SetCurrent(value);
}
