using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.State;

internal sealed class HeapMapState<TKey, TUserKey, TUserValue>(KeyedStateBackend<TKey> backend, StateTable<TKey, Dictionary<TUserKey, TUserValue>> table)
    : IMapState<TUserKey, TUserValue>
    where TKey : notnull
    where TUserKey : notnull
{
    private Dictionary<TUserKey, TUserValue>? Current =>
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
        (map ??= new Dictionary<TUserKey, TUserValue>())[key] = value;
    }

    public bool Remove(TUserKey key)
    {
        if (Current is not { } map || !map.Remove(key)) return false;
        if (map.Count == 0) Clear();
        return true;
    }

    public bool Contains(TUserKey key) => Current?.ContainsKey(key) ?? false;

    public IEnumerable<KeyValuePair<TUserKey, TUserValue>> Entries => Current ?? Enumerable.Empty<KeyValuePair<TUserKey, TUserValue>>();

    public bool IsEmpty => Current is null;

    public void Clear() => table.Remove(backend.CurrentGroupIndex, backend.CurrentKey);
}
