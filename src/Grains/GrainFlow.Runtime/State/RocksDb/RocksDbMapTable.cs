using System.Collections.Immutable;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using RocksDbSharp;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// The column family of a map state: one RocksDB entry per user key (as in Flink), keyed by key group +
/// key + namespace + user key, so one key's map is read and changed entry by entry. In snapshots the
/// entries of one key and namespace (adjacent in RocksDB) make up the heap's <see cref="ImmutableDictionary{TKey, TValue}"/>.
/// </summary>
internal sealed class RocksDbMapTable<TStateKey, TUserKey, TUserValue>(string name, RocksDbInstance instance, KeyGroupRange keyGroups, int prefixBytes, StateCodecs codecs)
    : RocksDbStateTable<TStateKey, ImmutableDictionary<TUserKey, TUserValue>>(name, instance, keyGroups, prefixBytes, codecs)
    where TStateKey : notnull
    where TUserKey : notnull
{
    private readonly IStateCodec<TUserKey> _userKeyCodec = codecs.For<TUserKey>();
    private readonly IStateCodec<TUserValue> _userValueCodec = codecs.For<TUserValue>();

    public override string MetaInfo => RocksDbStateMetaInfo.Of("map", StateKeyCodec.Name, $"{_userKeyCodec.Name} -> {_userValueCodec.Name}");

    public override int CountIn(int keyGroup, Snapshot? snapshot) => Maps(keyGroup, snapshot, readEntries: false).Count();

    public override IEnumerable<(TStateKey Key, ImmutableDictionary<TUserKey, TUserValue> Value)> Read(int keyGroup, Snapshot? snapshot) =>
        Maps(keyGroup, snapshot, readEntries: true);

    protected override void Put(WriteBatch batch, int keyGroup, TStateKey stateKey, ImmutableDictionary<TUserKey, TUserValue> value, SerializationBuffer key, SerializationBuffer valueBuffer)
    {
        WriteStateKey(key, keyGroup, stateKey);
        var stateKeyLength = key.Length;
        foreach (var (userKey, userValue) in value)
        {
            key.Truncate(stateKeyLength);
            _userKeyCodec.Write(key.Writer, userKey);
            valueBuffer.Reset();
            _userValueCodec.Write(valueBuffer.Writer, userValue);
            batch.Put(key.Written, valueBuffer.Written, Column);
        }
    }

    /// <summary>The maps of one key group: runs of entries whose key and namespace bytes are the same.</summary>
    private IEnumerable<(TStateKey Key, ImmutableDictionary<TUserKey, TUserValue> Value)> Maps(int keyGroup, Snapshot? snapshot, bool readEntries)
    {
        byte[]? current = null;
        var currentLength = 0;
        TStateKey currentKey = default!;
        var map = ImmutableDictionary.CreateBuilder<TUserKey, TUserValue>();
        foreach (var (key, value) in Entries(keyGroup, snapshot))
        {
            if (current is null || !key.AsSpan().StartsWith(current.AsSpan(0, currentLength)))
            {
                if (current is not null) yield return (currentKey, map.ToImmutable());
                using var keyReader = SerializationBuffer.Reader(key, PrefixBytes);
                currentKey = StateKeyCodec.Read(keyReader);
                (current, currentLength) = (key, PrefixBytes + (int)keyReader.BaseStream.Position);
                map.Clear();
            }
            if (!readEntries) continue;
            using var userKeyReader = SerializationBuffer.Reader(key, currentLength);
            using var valueReader = SerializationBuffer.Reader(value, 0);
            map[_userKeyCodec.Read(userKeyReader)] = _userValueCodec.Read(valueReader);
        }
        if (current is not null) yield return (currentKey, map.ToImmutable());
    }
}
