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

    protected RocksDbSharp.RocksDb Db { get; } = backend.Instance.Db;

    protected ColumnFamilyHandle Column { get; } = table.Column;

    protected RocksDbKeyBuilder<TKey, TNamespace> Keys => _keys;

    protected RocksDbKeyedStateBackend<TKey> Backend => backend;

    public string Name => table.Name;

    public void SetCurrentNamespace(TNamespace ns) => Namespace = ns;

    public bool HasValue => Db.HasKey(KeyOf(Namespace), Column);

    public virtual void Clear() => Db.Remove(KeyOf(Namespace), Column, RocksDbInstance.NoWal);

    /// <summary>The RocksDB key of the current key's entry in <paramref name="ns"/>; valid until the next key is built.</summary>
    protected ReadOnlySpan<byte> KeyOf(TNamespace ns) => _keys.Key(backend.CurrentKeyGroup, backend.CurrentKey, ns);

    protected byte[]? GetBytes(TNamespace ns) => Db.Get(KeyOf(ns), Column);

    protected void PutBytes(TNamespace ns, ReadOnlySpan<byte> value) => Db.Put(KeyOf(ns), value, Column, RocksDbInstance.NoWal);

    /// <summary>
    /// Merges the sources' values into the target's (see <see cref="IInternalMergingState{TNamespace}.MergeNamespaces"/>)
    /// with <paramref name="merge"/>, in one write batch: the sources go and the target is written together.
    /// </summary>
    protected void MergeNamespaces(TNamespace target, IEnumerable<TNamespace> sources, Func<byte[], byte[], byte[]> merge)
    {
        var comparer = EqualityComparer<TNamespace>.Default;
        using var batch = new WriteBatch();
        byte[]? merged = null;
        foreach (var source in sources)
        {
            if (comparer.Equals(source, target) || GetBytes(source) is not { } value) continue;
            batch.Delete(KeyOf(source), Column);
            merged = merged is null ? value : merge(merged, value);
        }
        if (merged is null) return;
        if (GetBytes(target) is { } existing) merged = merge(existing, merged);
        batch.Put(KeyOf(target), merged, Column);
        Db.Write(batch, RocksDbInstance.NoWal);
    }
}
