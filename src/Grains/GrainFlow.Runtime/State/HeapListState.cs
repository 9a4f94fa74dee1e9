using System.Collections.Immutable;

namespace GrainFlow.Runtime.State;

/// <summary>A list per key and namespace; immutable, so a snapshot sharing it never sees it change.</summary>
internal sealed class HeapListState<TKey, TNamespace, TValue>(HeapKeyedStateBackend<TKey> backend, NamespacedTable<TKey, TNamespace, ImmutableList<TValue>> table)
    : HeapKvState<TKey, TNamespace, ImmutableList<TValue>>(backend, table), IInternalListState<TNamespace, TValue>, IInternalReadOnceState<IReadOnlyList<TValue>>
    where TKey : notnull
    where TNamespace : notnull
{
    public IReadOnlyList<TValue> Get() => TryGetCurrent(out var list) ? list : ImmutableList<TValue>.Empty;

    public bool TryGet(out IReadOnlyList<TValue> elements) => NonEmpty(TryGetCurrent(out var list), list, out elements);

    public bool TryTake(out IReadOnlyList<TValue> elements) => NonEmpty(TryTakeCurrent(out var list), list, out elements);

    private static bool NonEmpty(bool has, ImmutableList<TValue>? list, out IReadOnlyList<TValue> elements)
    {
        elements = has ? list! : ImmutableList<TValue>.Empty;
        return elements.Count > 0;
    }

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
