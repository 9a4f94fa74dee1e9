using RocksDbSharp;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// Base of the RocksDB states: point reads and writes of the entry of the backend's current key in the
/// current namespace (never an iteration, except a map's whole-map operations). Values are bytes here;
/// each kind says what they hold.
/// </summary>
internal abstract class RocksDbKvState<TKey, TNamespace>(RocksDbKeyedStateBackend<TKey> backend, IRocksDbStateTable table)
    where TKey : notnull
    where TNamespace : notnull
{
    private readonly RocksDbKeyBuilder<TKey, TNamespace> _keys = new(backend.Codecs, backend.KeyGroupPrefixBytes);

    protected TNamespace Namespace { get; private set; } = default!;

    protected RocksDbInstance Instance { get; } = backend.Instance;

    protected ColumnFamilyHandle Column { get; } = table.Column;

    protected RocksDbKeyBuilder<TKey, TNamespace> Keys => _keys;

    protected RocksDbKeyedStateBackend<TKey> Backend => backend;

    public string Name => table.Name;

    public void SetCurrentNamespace(TNamespace ns) => Namespace = ns;

    public bool HasValue => Instance.HasKey(Column, KeyOf(Namespace));

    public virtual void Clear() => Instance.Remove(Column, KeyOf(Namespace));

    /// <summary>The RocksDB key of the current key's entry in <paramref name="ns"/>; valid until the next key is built.</summary>
    protected ReadOnlySpan<byte> KeyOf(TNamespace ns) => _keys.Key(backend.CurrentKeyGroup, backend.CurrentKey, ns);

    /// <summary>The value's bytes in <paramref name="ns"/>, or null; read them before the next write.</summary>
    protected byte[]? GetBytes(TNamespace ns) => Instance.Get(Column, KeyOf(ns));

    protected void PutBytes(TNamespace ns, ReadOnlySpan<byte> value) => Instance.Put(Column, KeyOf(ns), value);

    /// <summary>
    /// Merges the sources' values into the target's (see <see cref="IInternalMergingState{TNamespace}.MergeNamespaces"/>)
    /// with <paramref name="merge"/>: the sources go and the target is written, together in the next flush of the write cache.
    /// </summary>
    protected void MergeNamespaces(TNamespace target, IEnumerable<TNamespace> sources, Func<byte[], byte[], byte[]> merge)
    {
        var comparer = EqualityComparer<TNamespace>.Default;
        byte[]? merged = null;
        foreach (var source in sources)
        {
            if (comparer.Equals(source, target) || GetBytes(source) is not { } value) continue;
            // A copy: the write cache owns the bytes it returns, and a later write of the same key writes into them.
            value = value.ToArray();
            Instance.Remove(Column, KeyOf(source));
            merged = merged is null ? value : merge(merged, value);
        }
        if (merged is null) return;
        if (GetBytes(target) is { } existing) merged = merge(existing, merged);
        PutBytes(target, merged);
    }
}
