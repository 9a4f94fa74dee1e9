using System.Collections.Immutable;

namespace GrainFlow.Runtime.State;

/// <summary>A list per key and namespace; immutable, so a snapshot sharing it never sees it change.</summary>
internal sealed class HeapListState<TKey, TNamespace, TValue>(KeyedStateBackend<TKey> backend, NamespacedTable<TKey, TNamespace, ImmutableList<TValue>> table)
    : HeapKvState<TKey, TNamespace, ImmutableList<TValue>>(backend, table), IInternalListState<TNamespace, TValue>
    where TKey : notnull
    where TNamespace : notnull
{
    public IReadOnlyList<TValue> Get() => TryGetCurrent(out var list) ? list : ImmutableList<TValue>.Empty;

    public void Add(TValue value)
    {
        ref var list = ref CurrentSlot(out _);
        list = (list ?? ImmutableList<TValue>.Empty).Add(value);
    }

    public void Update(IEnumerable<TValue> values)
    {
        var list = values.ToImmutableList();
        if (list.IsEmpty) Clear();
        else SetCurrent(list);
    }

    public void MergeNamespaces(TNamespace target, IEnumerable<TNamespace> sources) => MergeNamespaces(target, sources, static (a, b) => a.AddRange(b));
}
