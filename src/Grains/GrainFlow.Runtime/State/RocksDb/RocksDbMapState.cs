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
        if (Instance.Get(Column, EntryKey(key)) is { } bytes)
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
        Instance.Put(Column, EntryKey(key), bytes);
    }

    public bool Remove(TUserKey key)
    {
        if (!Instance.HasKey(Column, EntryKey(key))) return false;
        Instance.Remove(Column, EntryKey(key));
        return true;
    }

    public bool Contains(TUserKey key) => Instance.HasKey(Column, EntryKey(key));

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

    /// <summary>Removes every entry of the current key's map (through the write cache, which may hold some of them).</summary>
    public override void Clear()
    {
        using var iterator = Range(KeyOf(Namespace).ToArray());
        for (; iterator.Valid(); iterator.Next()) Instance.Remove(Column, iterator.Key());
    }

    private ReadOnlySpan<byte> EntryKey(TUserKey key) => Keys.MapEntry(Backend.CurrentKeyGroup, Backend.CurrentKey, Namespace, _userKeys, key);

    private Iterator Range(byte[] prefix) => Backend.Instance.Range(Column, prefix, RocksDbKeyLayout.Successor(prefix), null);
}
