using System.Collections.Immutable;
using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.State;

/// <summary>
/// A map per key. The per-key maps are immutable, so a snapshot that shares a bucket also shares
/// them safely: every change replaces the key's map instead of mutating it.
/// </summary>
internal sealed class HeapMapState<TKey, TUserKey, TUserValue>(KeyedStateBackend<TKey> backend, StateTable<TKey, ImmutableDictionary<TUserKey, TUserValue>> table)
    : IMapState<TUserKey, TUserValue>
    where TKey : notnull
    where TUserKey : notnull
{
    private ImmutableDictionary<TUserKey, TUserValue>? Current =>
        table.TryGet(backend.CurrentGroupIndex, backend.CurrentKey, out var map) ? map : null;

    public bool TryGet(TUserKey key, out TUserValue value)
    {
        if (Current is { } map) return map.TryGetValue(key, out value!);
        value = default!;
        return false;
    }

    public void Put(TUserKey key, TUserValue value)
    {
        ref var map = ref table.GetValueRefOrAddDefault(backend.CurrentGroupIndex, backend.CurrentKey, out _);
        map = (map ?? ImmutableDictionary<TUserKey, TUserValue>.Empty).SetItem(key, value);
    }

    public bool Remove(TUserKey key)
    {
        if (Current is not { } map || !map.ContainsKey(key)) return false;
        var remaining = map.Remove(key);
        if (remaining.IsEmpty) Clear();
        else table.Set(backend.CurrentGroupIndex, backend.CurrentKey, remaining);
        return true;
    }

    public bool Contains(TUserKey key) => Current?.ContainsKey(key) ?? false;

    public IEnumerable<KeyValuePair<TUserKey, TUserValue>> Entries => Current ?? ImmutableDictionary<TUserKey, TUserValue>.Empty;

    public bool IsEmpty => Current is null;

    public void Clear() => table.Remove(backend.CurrentGroupIndex, backend.CurrentKey);
}
