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

    // What Key built last: a state's update after its read (the usual read-modify-write) needs the same bytes again.
    private (int KeyGroup, TKey Key, TNamespace Namespace)? _built;

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
        if (_built is { } built && built.KeyGroup == keyGroup && Same(built.Key, key) && Same(built.Namespace, ns)) return _buffer.Written;
        Start(keyGroup);
        WriteKeyAndNamespace(key, ns);
        _built = (keyGroup, key, ns);
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

    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/> serialize to the same bytes for sure: the same object (keys must
    /// not change while they are keys), or equal integers and the void namespace. Other values are serialized again, since
    /// equal ones need not have the same bytes (0.0 and -0.0).
    /// </summary>
    private static bool Same<T>(T a, T b) => typeof(T).IsValueType
        ? (typeof(T) == typeof(long) || typeof(T) == typeof(int) || typeof(T) == typeof(VoidNamespace)) && EqualityComparer<T>.Default.Equals(a, b)
        : ReferenceEquals(a, b);

    private void Start(int keyGroup)
    {
        _built = null;
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
