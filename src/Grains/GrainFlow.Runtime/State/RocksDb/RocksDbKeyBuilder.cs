using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// Builds and reads the RocksDB keys of one state (layout: <see cref="RocksDbKeyLayout"/>) with the native
/// codecs. The key and namespace bytes are exactly what the canonical snapshot writes as the entry's key
/// (the key alone in the <see cref="VoidNamespace"/>, else a <see cref="NamespacedKey{TKey, TNamespace}"/>: key
/// then namespace), so restoring and snapshotting need no second encoding. Codecs are prefix-free (each
/// knows where its bytes end), so the keys of one key and namespace are exactly those starting with its bytes.
/// </summary>
internal sealed class RocksDbKeyBuilder<TKey, TNamespace> where TKey : notnull where TNamespace : notnull
{
    private readonly SerializationBuffer _buffer = new();
    private readonly IStateCodec<TKey> _key;
    private readonly IStateCodec<TNamespace>? _namespace;
    private readonly byte[] _prefix;

    public RocksDbKeyBuilder(StateCodecs codecs, int prefixBytes)
    {
        _key = codecs.For<TKey>();
        _namespace = VoidNamespace.Is<TNamespace>() ? null : codecs.For<TNamespace>();
        PrefixBytes = prefixBytes;
        _prefix = new byte[prefixBytes];
    }

    public int PrefixBytes { get; }

    /// <summary>Key group + key + namespace: the entry of a value, list, reducing or aggregating state, the prefix of a map's entries.</summary>
    public ReadOnlySpan<byte> Key(int keyGroup, TKey key, TNamespace ns)
    {
        Start(keyGroup);
        WriteKeyAndNamespace(key, ns);
        return _buffer.Written;
    }

    /// <summary>Key group + key + namespace + user key: one entry of a map state.</summary>
    public ReadOnlySpan<byte> MapEntry<TUserKey>(int keyGroup, TKey key, TNamespace ns, IStateCodec<TUserKey> userKeyCodec, TUserKey userKey)
    {
        Start(keyGroup);
        WriteKeyAndNamespace(key, ns);
        userKeyCodec.Write(_buffer.Writer, userKey);
        return _buffer.Written;
    }

    /// <summary>Key group + time + key + namespace: one timer.</summary>
    public ReadOnlySpan<byte> Timer(int keyGroup, long time, TKey key, TNamespace ns)
    {
        Start(keyGroup);
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        RocksDbKeyLayout.WriteTime(bytes, time);
        _buffer.Write(bytes);
        WriteKeyAndNamespace(key, ns);
        return _buffer.Written;
    }

    /// <summary>Reads a key and namespace as <see cref="Key"/> wrote them; the reader is left after them.</summary>
    public (TKey Key, TNamespace Namespace) Read(BinaryReader reader) =>
        (_key.Read(reader), _namespace is null ? default! : _namespace.Read(reader));

    private void Start(int keyGroup)
    {
        _buffer.Reset();
        RocksDbKeyLayout.WritePrefix(_prefix, keyGroup, PrefixBytes);
        _buffer.Write(_prefix);
    }

    private void WriteKeyAndNamespace(TKey key, TNamespace ns)
    {
        _key.Write(_buffer.Writer, key);
        _namespace?.Write(_buffer.Writer, ns);
    }
}
