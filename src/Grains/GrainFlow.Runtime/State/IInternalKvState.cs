using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.State;

/// <summary>
/// Keyed state as operators see it (Flink's InternalKvState): it refers to the backend's current key
/// and to the namespace set here (a window; <see cref="VoidNamespace"/> for state without one).
/// </summary>
internal interface IInternalKvState<in TNamespace>
{
    string Name { get; }

    /// <summary>Makes <paramref name="ns"/> the namespace every following read and write refers to.</summary>
    void SetCurrentNamespace(TNamespace ns);

    /// <summary>Removes the current key's entry in the current namespace.</summary>
    void Clear();
}

/// <summary>Keyed state whose entries in several namespaces combine into one (Flink's InternalMergingState).</summary>
internal interface IInternalMergingState<TNamespace> : IInternalKvState<TNamespace>
{
    /// <summary>
    /// For the current key, merges the entries of <paramref name="sources"/> into the entry of
    /// <paramref name="target"/> (lists appended, values reduced, accumulators merged — never recomputed)
    /// and removes the sources' entries. A source equal to the target is skipped.
    /// </summary>
    void MergeNamespaces(TNamespace target, IEnumerable<TNamespace> sources);
}

internal interface IInternalValueState<in TNamespace, TValue> : IInternalKvState<TNamespace>, IValueState<TValue>
{
    new void Clear();
}

internal interface IInternalListState<TNamespace, TValue> : IInternalMergingState<TNamespace>, IListState<TValue>
{
    new void Clear();
}

internal interface IInternalReducingState<TNamespace, TValue> : IInternalMergingState<TNamespace>, IReducingState<TValue>
{
    new void Clear();
}

internal interface IInternalAggregatingState<TNamespace, in TIn, TOut> : IInternalMergingState<TNamespace>, IAggregatingState<TIn, TOut>
{
    new void Clear();
}

internal interface IInternalMapState<in TNamespace, TUserKey, TUserValue> : IInternalKvState<TNamespace>, IMapState<TUserKey, TUserValue>
    where TUserKey : notnull
{
    new void Clear();
}
