using System.Collections.Immutable;

namespace GrainFlow.Runtime.State;

/// <summary>
/// A map per key and namespace. The maps are immutable, so a snapshot that shares a bucket also
/// shares them safely: every change replaces the entry's map instead of mutating it.
/// </summary>
internal sealed class HeapMapState<TKey, TNamespace, TUserKey, TUserValue>(
    HeapKeyedStateBackend<TKey> backend, NamespacedTable<TKey, TNamespace, ImmutableDictionary<TUserKey, TUserValue>> table)
    : HeapKvState<TKey, TNamespace, ImmutableDictionary<TUserKey, TUserValue>>(backend, table), IInternalMapState<TNamespace, TUserKey, TUserValue>
    where TKey : notnull
    where TNamespace : notnull
    where TUserKey : notnull
{
    private ImmutableDictionary<TUserKey, TUserValue>? Current => TryGetCurrent(out var map) ? map : null;

    public bool TryGet(TUserKey key, out TUserValue value)
    {
        if (Current is { } map) return map.TryGetValue(key, out value!);
        value = default!;
        return false;
    }

    public void Put(TUserKey key, TUserValue value)
    {
        ref var map = ref CurrentSlot(out _);
        map = (map ?? ImmutableDictionary<TUserKey, TUserValue>.Empty).SetItem(key, value);
    }

    public bool Remove(TUserKey key)
    {
        if (Current is not { } map || !map.ContainsKey(key)) return false;
        var remaining = map.Remove(key);
        if (remaining.IsEmpty) Clear();
        else SetCurrent(remaining);
        return true;
    }

    public bool Contains(TUserKey key) => Current?.ContainsKey(key) ?? false;

    public IEnumerable<KeyValuePair<TUserKey, TUserValue>> Entries => Current ?? ImmutableDictionary<TUserKey, TUserValue>.Empty;

    public bool IsEmpty => Current is null;
}
