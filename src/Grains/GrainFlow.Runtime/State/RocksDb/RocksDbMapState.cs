using GrainFlow.Runtime.Checkpointing;
using RocksDbSharp;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// A map per key and namespace, one RocksDB entry per user key (as in Flink): reading, putting and
/// removing a user key are point operations; the whole map (its entries, whether it is empty, clearing
/// it) is the range of keys starting with the key and namespace.
/// </summary>
internal sealed class RocksDbMapState<TKey, TNamespace, TUserKey, TUserValue>(RocksDbKeyedStateBackend<TKey> backend, IRocksDbStateTable table)
    : RocksDbKvState<TKey, TNamespace>(backend, table), IInternalMapState<TNamespace, TUserKey, TUserValue>
    where TKey : notnull
    where TNamespace : notnull
    where TUserKey : notnull
{
    private readonly IStateCodec<TUserKey> _userKeys = backend.Codecs.For<TUserKey>();
    private readonly RocksDbValueCodec<TUserValue> _userValues = new(backend.Codecs.For<TUserValue>());

    public bool TryGet(TUserKey key, out TUserValue value)
    {
        if (Db.Get(EntryKey(key), Column) is { } bytes)
        {
            value = _userValues.Read(bytes);
            return true;
        }
        value = default!;
        return false;
    }

    public void Put(TUserKey key, TUserValue value)
    {
        var bytes = _userValues.Write(value);
        Db.Put(EntryKey(key), bytes, Column, RocksDbInstance.NoWal);
    }

    public bool Remove(TUserKey key)
    {
        if (!Db.HasKey(EntryKey(key), Column)) return false;
        Db.Remove(EntryKey(key), Column, RocksDbInstance.NoWal);
        return true;
    }

    public bool Contains(TUserKey key) => Db.HasKey(EntryKey(key), Column);

    public IEnumerable<KeyValuePair<TUserKey, TUserValue>> Entries
    {
        get
        {
            var prefix = KeyOf(Namespace).ToArray();
            using var iterator = Range(prefix);
            var entries = new List<KeyValuePair<TUserKey, TUserValue>>();
            for (; iterator.Valid(); iterator.Next())
            {
                using var reader = SerializationBuffer.Reader(iterator.Key(), prefix.Length);
                entries.Add(new(_userKeys.Read(reader), _userValues.Read(iterator.Value())));
            }
            return entries;
        }
    }

    public bool IsEmpty
    {
        get
        {
            using var iterator = Range(KeyOf(Namespace).ToArray());
            return !iterator.Valid();
        }
    }

    /// <summary>Removes every entry of the current key's map, in one write batch.</summary>
    public override void Clear()
    {
        using var iterator = Range(KeyOf(Namespace).ToArray());
        using var batch = new WriteBatch();
        for (; iterator.Valid(); iterator.Next()) batch.Delete(iterator.Key(), Column);
        if (batch.Count() > 0) Db.Write(batch, RocksDbInstance.NoWal);
    }

    private ReadOnlySpan<byte> EntryKey(TUserKey key) => Keys.MapEntry(Backend.CurrentKeyGroup, Backend.CurrentKey, Namespace, _userKeys, key);

    private Iterator Range(byte[] prefix) => Backend.Instance.Range(Column, prefix, RocksDbKeyLayout.Successor(prefix), null);
}
