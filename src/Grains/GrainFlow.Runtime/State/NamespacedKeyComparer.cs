namespace GrainFlow.Runtime.State;

/// <summary>
/// Compares <see cref="NamespacedKey{TKey, TNamespace}"/>s without the record struct's synthesized
/// members, which in code shared across namespace types resolve both default comparers on every call.
/// The bucket of an entry is chosen by its record key alone, so the namespaces (windows) of a key share
/// a bucket and a lookup hashes the whole namespaced key once, in the bucket's dictionary.
/// </summary>
internal sealed class NamespacedKeyComparer<TKey, TNamespace> : IStateKeyComparer<NamespacedKey<TKey, TNamespace>>
{
    public static readonly NamespacedKeyComparer<TKey, TNamespace> Instance = new();

    private readonly IEqualityComparer<TNamespace> _namespaces = EqualityComparer<TNamespace>.Default;

    private NamespacedKeyComparer() { }

    public bool Equals(NamespacedKey<TKey, TNamespace> x, NamespacedKey<TKey, TNamespace> y) =>
        EqualityComparer<TKey>.Default.Equals(x.Key, y.Key) && _namespaces.Equals(x.Namespace, y.Namespace);

    public int GetHashCode(NamespacedKey<TKey, TNamespace> key) =>
        unchecked(BucketHash(key) * -1521134295 + (key.Namespace is null ? 0 : _namespaces.GetHashCode(key.Namespace)));

    public int BucketHash(NamespacedKey<TKey, TNamespace> key) => key.Key is null ? 0 : EqualityComparer<TKey>.Default.GetHashCode(key.Key);
}
