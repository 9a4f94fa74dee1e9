using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.State;

internal sealed class HeapListState<TKey, TValue>(KeyedStateBackend<TKey> backend, StateTable<TKey, List<TValue>> table) : IListState<TValue>
    where TKey : notnull
{
    public IReadOnlyList<TValue> Get() =>
        table.TryGet(backend.CurrentGroupIndex, backend.CurrentKey, out var list) ? list : Array.Empty<TValue>();

    public void Add(TValue value)
    {
        ref var list = ref table.GetValueRefOrAddDefault(backend.CurrentGroupIndex, backend.CurrentKey, out _);
        (list ??= new List<TValue>()).Add(value);
    }

    public void Update(IEnumerable<TValue> values)
    {
        var list = values.ToList();
        if (list.Count == 0) Clear();
        else table.Set(backend.CurrentGroupIndex, backend.CurrentKey, list);
    }

    public void Clear() => table.Remove(backend.CurrentGroupIndex, backend.CurrentKey);
}
