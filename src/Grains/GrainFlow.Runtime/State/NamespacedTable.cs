namespace GrainFlow.Runtime.State;

/// <summary>
/// The entries of one named keyed state addressed by (key, namespace), over a <see cref="StateTable{TKey, TValue}"/>
/// partitioned by the key's group. State in the <see cref="VoidNamespace"/> is stored per key alone
/// (<see cref="Create"/> picks that layout), so it is written exactly as before namespaces existed and
/// older snapshots restore into it; any other namespace is stored under a <see cref="NamespacedKey{TKey, TNamespace}"/>.
/// </summary>
internal abstract class NamespacedTable<TKey, TNamespace, TValue> where TKey : notnull where TNamespace : notnull
{
    public abstract IStateTable Table { get; }

    public abstract bool TryGet(int groupIndex, TKey key, TNamespace ns, out TValue value);

    public abstract void Set(int groupIndex, TKey key, TNamespace ns, TValue value);

    public abstract bool Remove(int groupIndex, TKey key, TNamespace ns);

    /// <summary>Removes the entry and returns its value: one hash lookup for take-and-check.</summary>
    public abstract bool Remove(int groupIndex, TKey key, TNamespace ns, out TValue value);

    /// <summary>A reference to the slot, added with a default value when missing: one hash lookup for read-modify-write.</summary>
    public abstract ref TValue? GetValueRefOrAddDefault(int groupIndex, TKey key, TNamespace ns, out bool exists);

    /// <summary>Every entry with its key group, in no particular order.</summary>
    public abstract IEnumerable<(int KeyGroup, TKey Key, TNamespace Namespace, TValue Value)> Entries { get; }

    /// <summary>
    /// How many dictionaries a key group has for state in a namespace. Sixteen, picked by the namespace
    /// (<see cref="NamespacedKeyComparer{TKey, TNamespace}"/>), when the backend was told that the
    /// namespaces are the same for every key (<see cref="IKeyedStateBackend{TKey}.NamespacesSharedByKeys"/>:
    /// tumbling, sliding and global windows). A window's entries (its contents, its timers) live from its
    /// first element to its end and are touched on the way in and on the way out; with a million users
    /// nearly every event opens its own (key, window) entry, and a subtask holds 100–500 K of them while the
    /// watermark catches up. In one dictionary per key group every lookup landed in a large table, its
    /// bucket and entry a cache miss each; by namespace, the elements of the current window go to a few
    /// small dictionaries that stay cached, and a window firing reads the same ones: 30 % less CPU per
    /// tumbling event. Otherwise (session windows, one per key, and any other namespace) one dictionary
    /// per key group: spread by namespace they would land in sixteen random small dictionaries, which
    /// cost `user-sessions` 14–22 % (docs/BENCHMARKS.md). A capture costs no more either way: writes while
    /// a snapshot is unreleased go to the bucket's overlay (<see cref="StateTable{TKey, TValue}"/>).
    /// </summary>
    private static int NamespacedBucketsPerKeyGroup(HeapKeyedStateBackend<TKey> backend) => backend.NamespacesSharedByKeys ? 16 : 1;

    /// <summary>The table of state <paramref name="name"/> in <paramref name="backend"/>, in the layout of <typeparamref name="TNamespace"/>.</summary>
    public static NamespacedTable<TKey, TNamespace, TValue> Create(HeapKeyedStateBackend<TKey> backend, string name) =>
        VoidNamespace.Is<TNamespace>()
            ? new PerKey(backend.GetOrCreateTable<TKey, TValue>(name))
            : new PerKeyAndNamespace(backend.GetOrCreateTable<NamespacedKey<TKey, TNamespace>, TValue>(
                name, NamespacedKeyComparer<TKey, TNamespace>.Instance, NamespacedBucketsPerKeyGroup(backend)));

    private sealed class PerKey(StateTable<TKey, TValue> table) : NamespacedTable<TKey, TNamespace, TValue>
    {
        public override IStateTable Table => table;

        public override bool TryGet(int groupIndex, TKey key, TNamespace ns, out TValue value) => table.TryGet(groupIndex, key, out value!);

        public override void Set(int groupIndex, TKey key, TNamespace ns, TValue value) => table.Set(groupIndex, key, value);

        public override bool Remove(int groupIndex, TKey key, TNamespace ns) => table.Remove(groupIndex, key);

        public override bool Remove(int groupIndex, TKey key, TNamespace ns, out TValue value) => table.Remove(groupIndex, key, out value!);

        public override ref TValue? GetValueRefOrAddDefault(int groupIndex, TKey key, TNamespace ns, out bool exists) =>
            ref table.GetValueRefOrAddDefault(groupIndex, key, out exists);

        public override IEnumerable<(int KeyGroup, TKey Key, TNamespace Namespace, TValue Value)> Entries =>
            table.Entries.Select(e => (e.KeyGroup, e.Key, default(TNamespace)!, e.Value));
    }

    private sealed class PerKeyAndNamespace(StateTable<NamespacedKey<TKey, TNamespace>, TValue> table) : NamespacedTable<TKey, TNamespace, TValue>
    {
        public override IStateTable Table => table;

        public override bool TryGet(int groupIndex, TKey key, TNamespace ns, out TValue value) => table.TryGet(groupIndex, new(key, ns), out value!);

        public override void Set(int groupIndex, TKey key, TNamespace ns, TValue value) => table.Set(groupIndex, new(key, ns), value);

        public override bool Remove(int groupIndex, TKey key, TNamespace ns) => table.Remove(groupIndex, new(key, ns));

        public override bool Remove(int groupIndex, TKey key, TNamespace ns, out TValue value) => table.Remove(groupIndex, new(key, ns), out value!);

        public override ref TValue? GetValueRefOrAddDefault(int groupIndex, TKey key, TNamespace ns, out bool exists) =>
            ref table.GetValueRefOrAddDefault(groupIndex, new(key, ns), out exists);

        public override IEnumerable<(int KeyGroup, TKey Key, TNamespace Namespace, TValue Value)> Entries =>
            table.Entries.Select(e => (e.KeyGroup, e.Key.Key, e.Key.Namespace, e.Value));
    }
}
