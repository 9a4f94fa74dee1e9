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
