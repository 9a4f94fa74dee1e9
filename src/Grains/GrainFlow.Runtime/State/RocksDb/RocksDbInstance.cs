using RocksDbSharp;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// One open RocksDB database in its own working directory: one column family per state, all sharing
/// one block cache, and memtables bounded by <see cref="RocksDbBackendOptions"/>. The operator's thread
/// reads and writes it, point reads and writes through a <see cref="RocksDbWriteCache"/> that every other
/// use of the database (<see cref="Db"/>, an iteration, a snapshot) flushes first; snapshots are read on
/// other threads, so closing waits for a snapshot read in progress and fails the later ones clearly
/// instead of touching a closed database.
/// </summary>
internal sealed class RocksDbInstance : IDisposable
{
    private readonly RocksDbWorkingDirectory _directory;
    private readonly ColumnFamilyOptions _columnOptions;
    private readonly Dictionary<string, ColumnFamilyHandle> _columns = new(StringComparer.Ordinal);
    private readonly HashSet<Snapshot> _snapshots = new();
    private readonly Lock _gate = new();
    private readonly RocksDbWriteCache _cache;
    private readonly RocksDbFlushAhead _flushAhead;
    internal const int Level0FileNumCompactionTrigger = 8;
    private bool _closed;

    public RocksDbInstance(RocksDbBackendOptions options, TimeProvider? time = null) : this(options, RocksDbWorkingDirectory.Create(options.LocalDirectory), time)
    {
    }

    /// <summary>
    /// Opens the database in <paramref name="directory"/> (a restore downloaded one there, or it is new and empty) with
    /// every column family it holds; the instance owns the directory from now on, also when the database cannot be opened.
    /// </summary>
    /// <param name="time">The clock of the flush ahead of checkpoints (<see cref="RocksDbFlushAhead"/>).</param>
    public RocksDbInstance(RocksDbBackendOptions options, RocksDbWorkingDirectory directory, TimeProvider? time = null)
    {
        _directory = directory;
        _flushAhead = new RocksDbFlushAhead(time ?? TimeProvider.System);
        _cache = new RocksDbWriteCache(options.WriteCacheBytes, options.WriteCacheBytes / 4);
        try
        {
            var tableOptions = new BlockBasedTableOptions()
                .SetBlockCache(Cache.CreateLru(checked((ulong)options.BlockCacheBytes)))
                .SetCacheIndexAndFilterBlocks(true);
            _columnOptions = new ColumnFamilyOptions()
                .SetBlockBasedTableFactory(tableOptions)
                .SetWriteBufferSize(checked((ulong)options.WriteBufferBytes))
                .SetMaxWriteBufferNumber(options.MaxWriteBufferNumber)
                // Twice RocksDB's 4: the flush ahead of each checkpoint (RocksDbFlushAhead) makes two level-0 files per
                // checkpoint interval instead of one, and a level-0 compaction rewrites level 1, which the next
                // incremental checkpoint uploads again; so compactions stay as rare per checkpoint as without it.
                .SetLevel0FileNumCompactionTrigger(Level0FileNumCompactionTrigger);
            var dbOptions = new DbOptions()
                .SetCreateIfMissing()
                .SetCreateMissingColumnFamilies()
                .SetBlockBasedTableFactory(tableOptions)
                .SetWriteBufferSize(checked((ulong)options.WriteBufferBytes))
                .SetDbWriteBufferSize(checked((ulong)options.TotalWriteBufferBytes))
                .SetKeepLogFileNum(2);
            var families = new ColumnFamilies(_columnOptions);
            if (File.Exists(Path.Combine(_directory.DatabasePath, "CURRENT")))
            {
                // A restored database: RocksDB opens it only with all its column families named.
                OpenedColumnFamilies = RocksDbSharp.RocksDb.ListColumnFamilies(dbOptions, _directory.DatabasePath).Where(n => n != ColumnFamilies.DefaultName).ToList();
                foreach (var name in OpenedColumnFamilies) families.Add(name, _columnOptions);
            }
            _db = RocksDbSharp.RocksDb.Open(dbOptions, _directory.DatabasePath, families);
            // Closed by Dispose only, never by the garbage collector: finalizers run in no order, and a
            // database closed by its finalizer before a snapshot lease released its snapshot (or while a
            // capture is read) would crash the process. An instance never disposed leaks until the process ends.
            GC.SuppressFinalize(_db);
        }
        catch (RocksDbException e)
        {
            _directory.Dispose();
            throw new IOException($"RocksDB could not open its working directory '{_directory.DatabasePath}' under {RocksDbBackendOptions.LocalDirectoryKey}: {e.Message}", e);
        }
        catch
        {
            _directory.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes skip RocksDB's write-ahead log, as in Flink: the state is made durable by checkpoints, and a
    /// process that crashes restores from one, never from its local files.
    /// </summary>
    public static WriteOptions NoWal { get; } = new WriteOptions().DisableWal(1);

    private readonly RocksDbSharp.RocksDb _db;

    /// <summary>
    /// The database for direct reads and writes (the operator's thread only): the write cache is flushed and emptied
    /// first, so the database holds every write and no cached entry can go stale by a direct write. After
    /// <see cref="Dispose"/> an <see cref="ObjectDisposedException"/> instead of a call into a closed native handle
    /// (which would end the process): state read after its operator closed, as an inspection of a finished subtask
    /// does, fails as a managed error.
    /// </summary>
    public RocksDbSharp.RocksDb Db
    {
        get
        {
            Flush();
            _cache.Clear();
            return Open;
        }
    }

    private RocksDbSharp.RocksDb Open
    {
        get
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            return _db;
        }
    }

    /// <summary>The value of <paramref name="key"/> in <paramref name="column"/>, cached writes first; null when there is none. Read it before the next write.</summary>
    public byte[]? Get(ColumnFamilyHandle column, ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_cache.TryGet(column, key, out var cached)) return cached;
        var value = Open.Get(key, column);
        _cache.Read(column, key, value);
        if (_cache.NeedsFlush) Flush();
        return value;
    }

    public bool HasKey(ColumnFamilyHandle column, ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        return _cache.TryGet(column, key, out var cached) ? cached is not null : Open.HasKey(key, column);
    }

    public void Put(ColumnFamilyHandle column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        _cache.Put(column, key, value);
        if (_cache.NeedsFlush) Flush();
        if (_flushAhead.IsDueAfterWrite()) FlushMemtablesInBackground();
    }

    public void Remove(ColumnFamilyHandle column, ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        _cache.Delete(column, key);
        if (_cache.NeedsFlush) Flush();
        if (_flushAhead.IsDueAfterWrite()) FlushMemtablesInBackground();
    }

    /// <summary>Writes the cached writes into the database (without its write-ahead log, as every write); when the cache outgrew its capacity, empties it.</summary>
    public void Flush() => _cache.FlushTo(Open, NoWal);

    /// <summary>RocksDB's checkpoint of the database with every cached write in it (the cache keeps its entries).</summary>
    public Checkpoint Checkpoint()
    {
        Flush();
        return Open.Checkpoint();
    }

    /// <summary>A checkpoint (not a savepoint) was taken now: the next one is expected on the same schedule (<see cref="RocksDbFlushAhead"/>).</summary>
    public void CheckpointTaken() => _flushAhead.CheckpointTaken();

    /// <summary>
    /// Writes the cached writes into the memtables and has RocksDB flush every column family's memtable to an SST file on
    /// its background threads; returns at once. Writes go on into new memtables meanwhile. Only when the flush happens
    /// changes: what a checkpoint holds is the same.
    /// </summary>
    public void FlushMemtablesInBackground()
    {
        Flush();
        var db = Open;
        foreach (var column in _columns.Values) Native.Instance.rocksdb_flush_cf(db.Handle, BackgroundFlush.Handle, column.Handle);
    }

    private static readonly FlushOptions BackgroundFlush = CreateBackgroundFlushOptions();

    private static FlushOptions CreateBackgroundFlushOptions()
    {
        var options = new FlushOptions().SetWaitForFlush(false);
        // Never stall the operator's thread for it: a flush that would stall writes is better left to the barrier.
        Native.Instance.rocksdb_flushoptions_set_allow_write_stall(options.Handle, 1);
        return options;
    }

    /// <summary>The entries in the active memtables of every column family (RocksDB's <c>rocksdb.num-entries-active-mem-table</c>): what a flush now would write.</summary>
    public long ActiveMemtableEntries => _columns.Values.Sum(c => long.Parse(Open.GetProperty("rocksdb.num-entries-active-mem-table", c), System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The column families (states) the database held when it was opened: none unless it was restored.</summary>
    public IReadOnlyList<string> OpenedColumnFamilies { get; } = [];

    /// <summary>The instance's working directory (deleted on dispose).</summary>
    public string WorkingDirectory => _directory.Path;

    /// <summary>The column family of state <paramref name="name"/>, created on first use.</summary>
    public ColumnFamilyHandle Column(string name)
    {
        if (_columns.TryGetValue(name, out var column)) return column;
        column = Open.TryGetColumnFamily(name, out var existing) ? existing : Open.CreateColumnFamily(_columnOptions, name);
        _columns.Add(name, column);
        return column;
    }

    /// <summary>
    /// An iterator over the keys of <paramref name="column"/> from <paramref name="lower"/> (inclusive) to <paramref name="upper"/>
    /// (exclusive; null: to the end), as of <paramref name="snapshot"/> (read on any thread) or, when null, as of now with
    /// every cached write (the operator's thread only).
    /// </summary>
    public Iterator Range(ColumnFamilyHandle column, byte[] lower, byte[]? upper, Snapshot? snapshot)
    {
        var options = new ReadOptions().SetIterateLowerBound(lower);
        if (upper is not null) options.SetIterateUpperBound(upper);
        if (snapshot is not null) options.SetSnapshot(snapshot);
        if (snapshot is null) Flush();
        return Open.NewIterator(column, options).Seek(lower);
    }

    /// <summary>An iterator over the keys of one key group, in key order.</summary>
    public Iterator KeyGroupIterator(ColumnFamilyHandle column, int keyGroup, int prefixBytes, Snapshot? snapshot) =>
        Range(column, RocksDbKeyLayout.KeyGroupStart(keyGroup, prefixBytes), RocksDbKeyLayout.KeyGroupStart(keyGroup + 1, prefixBytes), snapshot);

    /// <summary>A consistent view of every column family as of now (cached writes included), readable on any thread until released.</summary>
    public Snapshot TakeSnapshot()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            Flush();
            var snapshot = Open.CreateSnapshot();
            _snapshots.Add(snapshot);
            return snapshot;
        }
    }

    public void Release(Snapshot snapshot)
    {
        lock (_gate)
        {
            if (_snapshots.Remove(snapshot)) snapshot.Dispose();
        }
    }

    /// <summary>Runs a read of <paramref name="snapshot"/>; fails clearly (the checkpoint declines) once it was released or the database closed.</summary>
    public T ReadSnapshot<T>(Snapshot snapshot, Func<T> read)
    {
        lock (_gate)
        {
            if (_closed) throw new ObjectDisposedException(nameof(RocksDbInstance), "The RocksDB state backend was closed while a snapshot of it was still being written; the checkpoint cannot complete.");
            if (!_snapshots.Contains(snapshot)) throw new ObjectDisposedException(nameof(Snapshot), "This snapshot of the RocksDB state backend was disposed; capture the state again.");
            return read();
        }
    }

    /// <summary>How many snapshots RocksDB holds (each keeps the versions it sees from compaction).</summary>
    public long OpenSnapshots => long.Parse(Open.GetProperty("rocksdb.num-snapshots"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Closes the database and deletes its working directory.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            foreach (var snapshot in _snapshots) snapshot.Dispose();
            _snapshots.Clear();
            _db.Dispose();
        }
        _directory.Dispose();
    }
}
