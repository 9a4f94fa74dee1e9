using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.State;

internal sealed class HeapValueState<TKey, TValue>(KeyedStateBackend<TKey> backend, StateTable<TKey, TValue> table) : IValueState<TValue>
    where TKey : notnull
{
    public TValue? Value => table.TryGet(backend.CurrentGroupIndex, backend.CurrentKey, out var value) ? value : default;

    public bool HasValue => table.TryGet(backend.CurrentGroupIndex, backend.CurrentKey, out _);

    public void Update(TValue value) => table.Set(backend.CurrentGroupIndex, backend.CurrentKey, value);

    public void Clear() => table.Remove(backend.CurrentGroupIndex, backend.CurrentKey);
}
