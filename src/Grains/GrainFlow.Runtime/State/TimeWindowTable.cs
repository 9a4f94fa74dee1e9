using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.State;

/// <summary>
/// The entries of one named keyed state in <see cref="TimeWindow"/> namespaces, keyed by
/// <see cref="TimeWindowKey{TKey}"/>: the layout <see cref="NamespacedTable{TKey, TNamespace, TValue}.Create"/>
/// picks for time windows, so that the lookups of every window operator's contents and timers run
/// code compiled for their types (see <see cref="TimeWindowKey{TKey}"/>).
/// </summary>
internal sealed class TimeWindowTable<TKey, TValue>(StateTable<TimeWindowKey<TKey>, TValue> table) : NamespacedTable<TKey, TimeWindow, TValue>
    where TKey : notnull
{
    /// <summary>
    /// One dictionary per key group. A window's entries live from its first element to its end
    /// (tumbling windows over a million users: ~15 K in flight, each touched once on the way in and
    /// once on the way out), so a lookup is mostly a cache miss per object it touches; 16 dictionaries
    /// of a handful of entries each per key group made that three misses per lookup where one large
    /// dictionary's object and bucket array stay cached: ~25 % less CPU per tumbling event
    /// (docs/BENCHMARKS.md). A capture copies a whole key group's windows on the next write to it.
    /// </summary>
    public const int BucketsPerKeyGroup = 1;

    public override IStateTable Table => table;

    public override bool TryGet(int groupIndex, TKey key, TimeWindow ns, out TValue value) => table.TryGet(groupIndex, new(key, ns.Start, ns.End), out value!);

    public override void Set(int groupIndex, TKey key, TimeWindow ns, TValue value) => table.Set(groupIndex, new(key, ns.Start, ns.End), value);

    public override bool Remove(int groupIndex, TKey key, TimeWindow ns) => table.Remove(groupIndex, new(key, ns.Start, ns.End));

    public override bool Remove(int groupIndex, TKey key, TimeWindow ns, out TValue value) => table.Remove(groupIndex, new(key, ns.Start, ns.End), out value!);

    public override ref TValue? GetValueRefOrAddDefault(int groupIndex, TKey key, TimeWindow ns, out bool exists) =>
        ref table.GetValueRefOrAddDefault(groupIndex, new(key, ns.Start, ns.End), out exists);

    public override IEnumerable<(int KeyGroup, TKey Key, TimeWindow Namespace, TValue Value)> Entries =>
        table.Entries.Select(e => (e.KeyGroup, e.Key.Key, e.Key.Window, e.Value));
}
