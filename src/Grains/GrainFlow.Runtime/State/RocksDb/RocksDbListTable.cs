using System.Collections.Immutable;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using RocksDbSharp;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// The column family of a list state: one RocksDB entry per key and namespace whose value is the
/// elements one after the other, each by the element codec (so appending is adding bytes at the end).
/// In snapshots it is the heap's <see cref="ImmutableList{T}"/>.
/// </summary>
internal sealed class RocksDbListTable<TStateKey, TElement>(string name, RocksDbInstance instance, KeyGroupRange keyGroups, int prefixBytes, StateCodecs codecs)
    : RocksDbStateTable<TStateKey, ImmutableList<TElement>>(name, instance, keyGroups, prefixBytes, codecs)
    where TStateKey : notnull
{
    private readonly IStateCodec<TElement> _elementCodec = codecs.For<TElement>();

    public override string MetaInfo => RocksDbStateMetaInfo.Of("list", StateKeyCodec.Name, _elementCodec.Name);

    public override int CountIn(int keyGroup, Snapshot? snapshot) => Entries(keyGroup, snapshot).Count();

    public override IEnumerable<(TStateKey Key, ImmutableList<TElement> Value)> Read(int keyGroup, Snapshot? snapshot)
    {
        foreach (var (key, value) in Entries(keyGroup, snapshot))
        {
            using var keyReader = SerializationBuffer.Reader(key, PrefixBytes);
            yield return (StateKeyCodec.Read(keyReader), RocksDbListElements.Read(value, _elementCodec));
        }
    }

    protected override void Put(WriteBatch batch, int keyGroup, TStateKey stateKey, ImmutableList<TElement> value, SerializationBuffer key, SerializationBuffer valueBuffer)
    {
        if (value.IsEmpty) return;
        WriteStateKey(key, keyGroup, stateKey);
        valueBuffer.Reset();
        foreach (var element in value) _elementCodec.Write(valueBuffer.Writer, element);
        batch.Put(key.Written, valueBuffer.Written, Column);
    }
}
