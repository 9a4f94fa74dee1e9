using System.Collections.Immutable;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using RocksDbSharp;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// The column family of one timer queue: one empty RocksDB entry per timer, keyed by key group + time +
/// key + namespace, so a key group's timers are in time order. In snapshots they are the heap timer
/// table's entries: per key and namespace, the sorted times registered.
/// </summary>
internal sealed class RocksDbTimerTable<TStateKey>(string name, RocksDbInstance instance, KeyGroupRange keyGroups, int prefixBytes, StateCodecs codecs)
    : RocksDbStateTable<TStateKey, ImmutableArray<long>>(name, instance, keyGroups, prefixBytes, codecs)
    where TStateKey : notnull
{
    // A timer's entry is its time and key (with namespace); its value is empty.
    public override string MetaInfo => RocksDbStateMetaInfo.Of("timers", StateKeyCodec.Name, "");

    public override int CountIn(int keyGroup, Snapshot? snapshot) => Read(keyGroup, snapshot).Count();

    /// <summary>The timers of one key group per key and namespace (they are held in memory, one key group at a time).</summary>
    public override IEnumerable<(TStateKey Key, ImmutableArray<long> Value)> Read(int keyGroup, Snapshot? snapshot)
    {
        var times = new Dictionary<TStateKey, ImmutableArray<long>.Builder>();
        foreach (var (key, _) in Entries(keyGroup, snapshot))
        {
            using var reader = SerializationBuffer.Reader(key, PrefixBytes + sizeof(long));
            var stateKey = StateKeyCodec.Read(reader);
            if (!times.TryGetValue(stateKey, out var builder)) times.Add(stateKey, builder = ImmutableArray.CreateBuilder<long>());
            // Entries come in time order, so each key's times are sorted as the heap keeps them.
            builder.Add(RocksDbKeyLayout.ReadTime(key.AsSpan(PrefixBytes)));
        }
        return times.Select(t => (t.Key, t.Value.ToImmutable()));
    }

    protected override void Put(WriteBatch batch, int keyGroup, TStateKey stateKey, ImmutableArray<long> value, SerializationBuffer key, SerializationBuffer valueBuffer)
    {
        Span<byte> prefix = stackalloc byte[PrefixBytes + sizeof(long)];
        RocksDbKeyLayout.WritePrefix(prefix, keyGroup, PrefixBytes);
        foreach (var time in value)
        {
            key.Reset();
            RocksDbKeyLayout.WriteTime(prefix[PrefixBytes..], time);
            key.Write(prefix);
            StateKeyCodec.Write(key.Writer, stateKey);
            batch.Put(key.Written, ReadOnlySpan<byte>.Empty, Column);
        }
    }
}
