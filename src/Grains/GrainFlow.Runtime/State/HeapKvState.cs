namespace GrainFlow.Runtime.State;

/// <summary>
/// Base of the heap states: reads and writes the entry of the backend's current key in the current
/// namespace. Entries are replaced, never changed in place, so a snapshot sharing a bucket stays as
/// it was captured.
/// </summary>
internal abstract class HeapKvState<TKey, TNamespace, TValue>(HeapKeyedStateBackend<TKey> backend, NamespacedTable<TKey, TNamespace, TValue> table)
    where TKey : notnull
    where TNamespace : notnull
{
    protected TNamespace Namespace { get; private set; } = default!;

    public string Name => table.Table.Name;

    public void SetCurrentNamespace(TNamespace ns) => Namespace = ns;

    public bool HasValue => TryGetCurrent(out _);

    public void Clear() => table.Remove(backend.CurrentGroupIndex, backend.CurrentKey, Namespace);

    protected bool TryGetCurrent(out TValue value) => table.TryGet(backend.CurrentGroupIndex, backend.CurrentKey, Namespace, out value);

    protected bool TryTakeCurrent(out TValue value) => table.Remove(backend.CurrentGroupIndex, backend.CurrentKey, Namespace, out value);

    protected void SetCurrent(TValue value) => table.Set(backend.CurrentGroupIndex, backend.CurrentKey, Namespace, value);

    protected ref TValue? CurrentSlot(out bool exists) => ref table.GetValueRefOrAddDefault(backend.CurrentGroupIndex, backend.CurrentKey, Namespace, out exists);

    /// <summary>Merges the sources' entries into the target's (see <see cref="IInternalMergingState{TNamespace}.MergeNamespaces"/>) with <paramref name="merge"/>.</summary>
    protected void MergeNamespaces(TNamespace target, IEnumerable<TNamespace> sources, Func<TValue, TValue, TValue> merge)
    {
        var (groupIndex, key) = (backend.CurrentGroupIndex, backend.CurrentKey);
        var comparer = EqualityComparer<TNamespace>.Default;
        var any = false;
        TValue merged = default!;
        foreach (var source in sources)
        {
            if (comparer.Equals(source, target) || !table.TryGet(groupIndex, key, source, out var value)) continue;
            table.Remove(groupIndex, key, source);
            merged = any ? merge(merged, value) : value;
            any = true;
        }
        if (!any) return;
        table.Set(groupIndex, key, target, table.TryGet(groupIndex, key, target, out var existing) ? merge(existing, merged) : merged);
    }
}
