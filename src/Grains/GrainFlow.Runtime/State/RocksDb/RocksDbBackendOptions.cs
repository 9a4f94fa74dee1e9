namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// Where the RocksDB instances of keyed subtasks live and how much memory each may use. The sizes are
/// Flink's: <c>state.backend.rocksdb.block.cache-size</c> (8 MB), <c>state.backend.rocksdb.writebuffer.size</c>
/// (64 MB) and <c>.writebuffer.count</c> (2); <see cref="WithFixedMemory"/> is
/// <c>state.backend.rocksdb.memory.fixed-per-slot</c>, which bounds an instance as a whole.
/// </summary>
public sealed record RocksDbBackendOptions
{
    /// <summary>The configuration key of <see cref="LocalDirectory"/>, named in errors about it.</summary>
    public const string LocalDirectoryKey = "state.backend.rocksdb.localdir";

    /// <summary>
    /// The directory under which each instance creates (and on dispose deletes) a subdirectory of its own;
    /// nothing else in it is touched, except instance directories a crashed process left behind.
    /// </summary>
    public required string LocalDirectory { get; init; }

    /// <summary>The LRU block cache shared by the column families of one instance (uncompressed blocks read from SST files).</summary>
    public long BlockCacheBytes { get; init; } = 8L << 20;

    /// <summary>The size of one memtable of one column family before it is flushed to an SST file.</summary>
    public long WriteBufferBytes { get; init; } = 64L << 20;

    /// <summary>How many memtables a column family may hold (one written, the others being flushed).</summary>
    public int MaxWriteBufferNumber { get; init; } = 2;

    /// <summary>
    /// The memory of the entries one instance keeps in front of RocksDB (<see cref="RocksDbWriteCache"/>): a key read or
    /// written recently is read from there, and written to RocksDB once however often it changed between two flushes.
    /// A quarter of it bounds the keys and values written since the last flush, which is what a barrier has to write
    /// before RocksDB's checkpoint. Zero: every read and write goes to RocksDB at once.
    /// </summary>
    public long WriteCacheBytes { get; init; } = DefaultWriteCacheBytes;

    public const long DefaultWriteCacheBytes = 16L << 20;

    /// <summary>
    /// The bound on the memtables of all column families of one instance (RocksDB's db_write_buffer_size):
    /// when reached, the largest memtable is flushed. Zero: each column family is bounded on its own only.
    /// </summary>
    public long TotalWriteBufferBytes { get; init; }

    /// <summary>
    /// Options bounding one instance to about <paramref name="bytes"/> (Flink's fixed-per-slot memory):
    /// the write cache takes an eighth of them (at most its default), the block cache the rest, memtables half
    /// of them (Flink's write-buffer-ratio 0.5), each memtable at most a quarter so that one column family cannot
    /// take the whole budget.
    /// </summary>
    public static RocksDbBackendOptions WithFixedMemory(string localDirectory, long bytes)
    {
        if (bytes < 1L << 20) throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "Give RocksDB at least 1 MB (state.backend.rocksdb.memory.fixed-per-slot).");
        var writeCache = Math.Min(DefaultWriteCacheBytes, bytes / 8);
        return new RocksDbBackendOptions
        {
            LocalDirectory = localDirectory,
            WriteCacheBytes = writeCache,
            BlockCacheBytes = bytes - writeCache,
            TotalWriteBufferBytes = bytes / 2,
            WriteBufferBytes = Math.Min(64L << 20, bytes / 4),
        };
    }
}
