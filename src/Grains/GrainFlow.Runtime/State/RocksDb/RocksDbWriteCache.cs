using RocksDbSharp;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// Recently read and written entries of one RocksDB instance, held in memory by column family and key (Kafka
/// Streams' record cache in front of its RocksDB stores): a state read and written for every record (keyed count:
/// a read and an update of the key's count) costs a dictionary lookup instead of a search of the memtable and a new
/// version in it per record, and a key updated many times between two flushes reaches RocksDB once. Reads see the
/// cached writes (a deletion too). <see cref="FlushTo"/> writes the entries written since the last flush ("dirty") in
/// write batches and keeps them for later reads. <see cref="RocksDbInstance"/> flushes when the dirty entries' bytes
/// reach their bound, which bounds what a barrier has to write, and before anything reads RocksDB other than by a
/// point read (an iteration, a snapshot, a native checkpoint), so every checkpoint holds every write made before its
/// barrier; when the whole cache outgrows its capacity it is flushed and emptied. What a failure loses was written
/// after the last checkpoint, which the restore goes back to anyway.
/// </summary>
/// <param name="capacityBytes">The bound on the memory of all entries (their keys, values and <see cref="EntryOverheadBytes"/> each).</param>
/// <param name="dirtyBytes">The bound on the keys and values written since the last flush (what RocksDB receives at the next one).</param>
internal sealed class RocksDbWriteCache(long capacityBytes, long dirtyBytes)
{
    // What an entry costs beyond its key and value bytes: the dictionary's entry, the entry object, two arrays' headers.
    internal const int EntryOverheadBytes = 128;

    // Flushes write batches of about this size, so that a large flush does not hold all its bytes twice.
    private const int BatchBytes = 4 << 20;

    // Few states per instance: a list searched by reference beats a dictionary of dictionaries.
    private readonly List<Column> _columns = new();

    // The entry read or written last: a state's update after its read (the usual read-modify-write) finds it without a lookup.
    private (Column Column, Entry Entry)? _last;

    /// <summary>The memory the cached entries take, by <see cref="EntryOverheadBytes"/> per entry beyond their keys and values.</summary>
    public long Bytes { get; private set; }

    /// <summary>The bytes of the keys and values written since the last flush.</summary>
    public long DirtyBytes { get; private set; }

    /// <summary>Whether the cache should be flushed: too much was written since the last flush, or it holds more than its capacity.</summary>
    public bool NeedsFlush => DirtyBytes > dirtyBytes || Bytes > capacityBytes;

    /// <summary>
    /// Whether the cache knows <paramref name="key"/> in <paramref name="column"/>: then <paramref name="value"/> is its
    /// value (owned by the cache: read it before the next write), or null when it was deleted.
    /// </summary>
    public bool TryGet(ColumnFamilyHandle column, ReadOnlySpan<byte> key, out byte[]? value)
    {
        var cached = Of(column);
        if (cached.Lookup.TryGetValue(key, out var entry))
        {
            _last = (cached, entry);
            value = entry.Value;
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>Caches a value read from RocksDB (null: it has none), so that the next read of the key is a lookup.</summary>
    public void Read(ColumnFamilyHandle column, ReadOnlySpan<byte> key, byte[]? value)
    {
        var cached = Of(column);
        if (cached.Lookup.ContainsKey(key)) return;
        var entry = new Entry(key.ToArray()) { Value = value };
        cached.Lookup.Dictionary.Add(entry.Key, entry);
        _last = (cached, entry);
        Bytes += entry.Key.Length + (value?.Length ?? 0) + EntryOverheadBytes;
    }

    public void Put(ColumnFamilyHandle column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var entry = Written(Of(column), key);
        if (entry.Value is { } existing && existing.Length == value.Length)
        {
            value.CopyTo(existing);
            return;
        }
        Resize(entry, value.Length);
        entry.Value = value.ToArray();
    }

    public void Delete(ColumnFamilyHandle column, ReadOnlySpan<byte> key)
    {
        var entry = Written(Of(column), key);
        Resize(entry, 0);
        entry.Value = null;
    }

    /// <summary>Writes the entries written since the last flush into <paramref name="db"/> (puts and deletes, in write batches); empties the cache when it outgrew its capacity.</summary>
    public void FlushTo(RocksDbSharp.RocksDb db, WriteOptions options)
    {
        if (DirtyBytes > 0)
        {
            using var batch = new WriteBatch();
            var batched = 0L;
            foreach (var column in _columns)
            {
                foreach (var entry in column.Dirty)
                {
                    if (entry.Value is null) batch.Delete(entry.Key, column.Handle);
                    else batch.Put(entry.Key, entry.Value, column.Handle);
                    entry.Dirty = false;
                    batched += entry.Key.Length + (entry.Value?.Length ?? 0);
                    if (batched < BatchBytes) continue;
                    db.Write(batch, options);
                    batch.Clear();
                    batched = 0;
                }
                column.Dirty.Clear();
            }
            if (batch.Count() > 0) db.Write(batch, options);
            DirtyBytes = 0;
        }
        if (Bytes > capacityBytes) Clear();
    }

    /// <summary>The entry of <paramref name="key"/>, added if new, marked written since the last flush (its old value's bytes no longer count as dirty).</summary>
    /// <summary>Forgets every entry; only once flushed (<see cref="DirtyBytes"/> zero), or writes are lost.</summary>
    public void Clear()
    {
        if (DirtyBytes > 0) throw new InvalidOperationException("The write cache holds writes RocksDB does not have yet; flush it before clearing it.");
        foreach (var column in _columns) column.Lookup.Dictionary.Clear();
        _last = null;
        Bytes = 0;
    }

    private Entry Written(Column column, ReadOnlySpan<byte> key)
    {
        Entry? entry;
        if (_last is ({ } lastColumn, { } last) && ReferenceEquals(lastColumn, column) && key.SequenceEqual(last.Key)) entry = last;
        else if (!column.Lookup.TryGetValue(key, out entry))
        {
            entry = new Entry(key.ToArray());
            column.Lookup.Dictionary.Add(entry.Key, entry);
            Bytes += entry.Key.Length + EntryOverheadBytes;
        }
        if (!entry.Dirty)
        {
            entry.Dirty = true;
            column.Dirty.Add(entry);
            DirtyBytes += entry.Key.Length + (entry.Value?.Length ?? 0);
        }
        _last = (column, entry);
        return entry;
    }

    /// <summary>Counts the entry's value as <paramref name="length"/> bytes from now on.</summary>
    private void Resize(Entry entry, int length)
    {
        var change = length - (entry.Value?.Length ?? 0);
        Bytes += change;
        DirtyBytes += change;
    }

    private Column Of(ColumnFamilyHandle handle)
    {
        foreach (var column in _columns)
        {
            if (ReferenceEquals(column.Handle, handle)) return column;
        }
        var added = new Column(handle);
        _columns.Add(added);
        return added;
    }

    private sealed class Entry(byte[] key)
    {
        public byte[] Key { get; } = key;

        public byte[]? Value { get; set; }

        /// <summary>Written since the last flush.</summary>
        public bool Dirty { get; set; }
    }

    private sealed class Column(ColumnFamilyHandle handle)
    {
        public ColumnFamilyHandle Handle { get; } = handle;

        public Dictionary<byte[], Entry>.AlternateLookup<ReadOnlySpan<byte>> Lookup { get; } =
            new Dictionary<byte[], Entry>(ByteKeyComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();

        /// <summary>The entries written since the last flush, in the order they were first written.</summary>
        public List<Entry> Dirty { get; } = new();
    }

    /// <summary>Keys by their bytes, looked up by a span so that a read or an update of a cached key allocates nothing.</summary>
    private sealed class ByteKeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteKeyComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] key) => GetHashCode(key.AsSpan());

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
