using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using RocksDbSharp;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>The column family of a value, reducing or aggregating state: one RocksDB entry per key and namespace, the value by its codec.</summary>
internal sealed class RocksDbValueTable<TStateKey, TValue>(string name, RocksDbInstance instance, KeyGroupRange keyGroups, int prefixBytes, StateCodecs codecs)
    : RocksDbStateTable<TStateKey, TValue>(name, instance, keyGroups, prefixBytes, codecs)
    where TStateKey : notnull
{
    private readonly IStateCodec<TValue> _valueCodec = codecs.For<TValue>();

    public override string MetaInfo => RocksDbStateMetaInfo.Of("value", StateKeyCodec.Name, _valueCodec.Name);

    public override int CountIn(int keyGroup, Snapshot? snapshot) => Entries(keyGroup, snapshot).Count();

    public override IEnumerable<(TStateKey Key, TValue Value)> Read(int keyGroup, Snapshot? snapshot)
    {
        foreach (var (key, value) in Entries(keyGroup, snapshot))
        {
            using var keyReader = SerializationBuffer.Reader(key, PrefixBytes);
            using var valueReader = SerializationBuffer.Reader(value, 0);
            yield return (StateKeyCodec.Read(keyReader), _valueCodec.Read(valueReader));
        }
    }

    protected override void Put(WriteBatch batch, int keyGroup, TStateKey stateKey, TValue value, SerializationBuffer key, SerializationBuffer valueBuffer)
    {
        WriteStateKey(key, keyGroup, stateKey);
        valueBuffer.Reset();
        _valueCodec.Write(valueBuffer.Writer, value);
        batch.Put(key.Written, valueBuffer.Written, Column);
    }
}
