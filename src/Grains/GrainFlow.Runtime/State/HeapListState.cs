using System.Collections.Immutable;
using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.State;

/// <summary>A list per key, immutable for the same reason as <see cref="HeapMapState{TKey, TUserKey, TUserValue}"/>.</summary>
internal sealed class HeapListState<TKey, TValue>(KeyedStateBackend<TKey> backend, StateTable<TKey, ImmutableList<TValue>> table) : IListState<TValue>
    where TKey : notnull
{
    public IReadOnlyList<TValue> Get() =>
        table.TryGet(backend.CurrentGroupIndex, backend.CurrentKey, out var list) ? list : ImmutableList<TValue>.Empty;

    public void Add(TValue value)
    {
        ref var list = ref table.GetValueRefOrAddDefault(backend.CurrentGroupIndex, backend.CurrentKey, out _);
        list = (list ?? ImmutableList<TValue>.Empty).Add(value);
    }

    public void Update(IEnumerable<TValue> values)
    {
        var list = values.ToImmutableList();
        if (list.IsEmpty) Clear();
        else table.Set(backend.CurrentGroupIndex, backend.CurrentKey, list);
    }

    public void Clear() => table.Remove(backend.CurrentGroupIndex, backend.CurrentKey);
}
