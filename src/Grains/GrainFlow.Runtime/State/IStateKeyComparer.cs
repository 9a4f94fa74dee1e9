namespace GrainFlow.Runtime.State;

/// <summary>
/// How a <see cref="StateTable{TKey, TValue}"/> compares its keys and spreads them over the buckets of
/// a key group. Tables of plain keys use the default comparer (the dictionaries' devirtualized path)
/// and need none of this; tables of namespaced keys need it (see <see cref="NamespacedKeyComparer{TKey, TNamespace}"/>).
/// </summary>
internal interface IStateKeyComparer<TKey> : IEqualityComparer<TKey>
{
    /// <summary>The hash that picks the key's bucket within its key group.</summary>
    int BucketHash(TKey key);
}
