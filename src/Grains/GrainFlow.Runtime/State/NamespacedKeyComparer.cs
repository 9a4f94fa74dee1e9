namespace GrainFlow.Runtime.State;

/// <summary>
/// Compares <see cref="NamespacedKey{TKey, TNamespace}"/>s without the record struct's synthesized
/// members, which in code shared across namespace types resolve both default comparers on every call.
/// Where a key group has several buckets (namespaces shared by every key, see
/// <see cref="NamespacedTable{TKey, TNamespace, TValue}"/>), the bucket of an entry is chosen by its namespace
/// alone, so the entries of one window share a bucket with each other, not with the key's other windows:
/// the window that elements go into now is a few small dictionaries that stay in the cache, and a window
/// firing takes its entries from those same dictionaries.
/// </summary>
internal sealed class NamespacedKeyComparer<TKey, TNamespace> : IStateKeyComparer<NamespacedKey<TKey, TNamespace>>
{
    public static readonly NamespacedKeyComparer<TKey, TNamespace> Instance = new();

    private readonly IEqualityComparer<TNamespace> _namespaces = EqualityComparer<TNamespace>.Default;

    private NamespacedKeyComparer() { }

    public bool Equals(NamespacedKey<TKey, TNamespace> x, NamespacedKey<TKey, TNamespace> y) =>
        EqualityComparer<TKey>.Default.Equals(x.Key, y.Key) && _namespaces.Equals(x.Namespace, y.Namespace);

    public int GetHashCode(NamespacedKey<TKey, TNamespace> key) =>
        unchecked((key.Key is null ? 0 : EqualityComparer<TKey>.Default.GetHashCode(key.Key)) * -1521134295 + (key.Namespace is null ? 0 : _namespaces.GetHashCode(key.Namespace)));

    // Mixed: a window's own hash has no entropy in its low bits (starts and ends are multiples of the size).
    public int BucketHash(NamespacedKey<TKey, TNamespace> key) =>
        key.Namespace is null ? 0 : (int)(unchecked((uint)_namespaces.GetHashCode(key.Namespace) * 0x9E3779B1u) >> 16);
}
