using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using RocksDbSharp;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>A state's column family seen as the heap would hold it, so it is captured in the heap's snapshot format.</summary>
internal interface IRocksDbStateTable : IStateTable
{
    ColumnFamilyHandle Column { get; }

    /// <summary>The kind of state and the codecs of the bytes in its column family (<see cref="RocksDbStateMetaInfo"/>).</summary>
    string MetaInfo { get; }

    /// <summary>The table as of <paramref name="lease"/>'s RocksDB snapshot.</summary>
    IStateTableSnapshot Capture(RocksDbSnapshotLease lease);
}

/// <summary>
/// One state's column family, read and written as the heap's table of the same state: entries keyed by
/// <typeparamref name="TStateKey"/> (the key, or a <see cref="NamespacedKey{TKey, TNamespace}"/>) with values
/// of the heap's type <typeparamref name="TValue"/> (a map's whole dictionary, a list, a key's sorted timer
/// times). That is what makes RocksDB's snapshots the canonical format and lets any snapshot of that format
/// restore into RocksDB. Each kind says how its RocksDB entries make up such entries.
/// </summary>
internal abstract class RocksDbStateTable<TStateKey, TValue> : IRocksDbStateTable where TStateKey : notnull
{
    protected RocksDbStateTable(string name, RocksDbInstance instance, KeyGroupRange keyGroups, int prefixBytes, StateCodecs codecs)
    {
        Name = name;
        Instance = instance;
        Column = instance.Column(name);
        KeyGroups = keyGroups;
        PrefixBytes = prefixBytes;
        Codecs = codecs;
        StateKeyCodec = codecs.For<TStateKey>();
    }

    public string Name { get; }

    public RocksDbInstance Instance { get; }

    public ColumnFamilyHandle Column { get; }

    public KeyGroupRange KeyGroups { get; }

    public abstract string MetaInfo { get; }

    protected int PrefixBytes { get; }

    /// <summary>The native codecs, those of the bytes in RocksDB.</summary>
    protected StateCodecs Codecs { get; }

    protected IStateCodec<TStateKey> StateKeyCodec { get; }

    /// <summary>How many heap entries (keys, or keys and namespaces) hold a value; reads every key of the state.</summary>
    public long Count
    {
        get
        {
            long count = 0;
            for (var keyGroup = KeyGroups.StartKeyGroup; keyGroup <= KeyGroups.EndKeyGroup; keyGroup++) count += CountIn(keyGroup, null);
            return count;
        }
    }

    public IEnumerable<(int KeyGroup, object Key, object? Value)> UntypedEntries =>
        Enumerable.Range(KeyGroups.StartKeyGroup, KeyGroups.Count)
            .SelectMany(keyGroup => Read(keyGroup, null).Select(e => (keyGroup, (object)e.Key, (object?)e.Value)));

    public IStateTableSnapshot CaptureUntypedSnapshot() => Capture(new RocksDbSnapshotLease(Instance));

    public IStateTableSnapshot Capture(RocksDbSnapshotLease lease) => new RocksDbStateTableSnapshot<TStateKey, TValue>(this, lease);

    /// <summary>Writes the entries of one key group of a snapshot (heap format) into the column family, in one write batch.</summary>
    public void RestoreEntries(int keyGroup, int count, BinaryReader reader, StateCodecs codecs, string recordedCodecs)
    {
        var separator = recordedCodecs.IndexOf('|');
        if (separator < 0) throw new InvalidDataException($"The snapshot records codecs '{recordedCodecs}' for state '{Name}', not 'key codec|value codec'.");
        var keyCodec = codecs.ForRecorded<TStateKey>(recordedCodecs[..separator]);
        var valueCodec = codecs.ForRecorded<TValue>(recordedCodecs[(separator + 1)..]);
        using var batch = new WriteBatch();
        var key = new SerializationBuffer();
        var value = new SerializationBuffer();
        for (var i = 0; i < count; i++)
        {
            var stateKey = keyCodec.Read(reader);
            Put(batch, keyGroup, stateKey, valueCodec.Read(reader), key, value);
        }
        Instance.Db.Write(batch, RocksDbInstance.NoWal);
    }

    /// <summary>How many heap entries key group <paramref name="keyGroup"/> holds in <paramref name="snapshot"/> (null: now).</summary>
    public abstract int CountIn(int keyGroup, Snapshot? snapshot);

    /// <summary>The heap entries of key group <paramref name="keyGroup"/> in <paramref name="snapshot"/> (null: now), streamed.</summary>
    public abstract IEnumerable<(TStateKey Key, TValue Value)> Read(int keyGroup, Snapshot? snapshot);

    /// <summary>Adds the RocksDB entries that make up one heap entry to <paramref name="batch"/>.</summary>
    protected abstract void Put(WriteBatch batch, int keyGroup, TStateKey stateKey, TValue value, SerializationBuffer key, SerializationBuffer valueBuffer);

    /// <summary>Starts <paramref name="buffer"/> with the key group's prefix and the state key: the start of every RocksDB key of that heap entry.</summary>
    protected void WriteStateKey(SerializationBuffer buffer, int keyGroup, TStateKey stateKey)
    {
        buffer.Reset();
        buffer.Write(RocksDbKeyLayout.KeyGroupStart(keyGroup, PrefixBytes));
        StateKeyCodec.Write(buffer.Writer, stateKey);
    }

    /// <summary>Every RocksDB entry of key group <paramref name="keyGroup"/>, in key order, as of <paramref name="snapshot"/> (null: now).</summary>
    protected IEnumerable<(byte[] Key, byte[] Value)> Entries(int keyGroup, Snapshot? snapshot)
    {
        using var iterator = Instance.KeyGroupIterator(Column, keyGroup, PrefixBytes, snapshot);
        for (; iterator.Valid(); iterator.Next()) yield return (iterator.Key(), iterator.Value());
    }
}
