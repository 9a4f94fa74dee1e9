using GrainFlow.Configuration;
using GrainFlow.Runtime.State.RocksDb;

namespace GrainFlow.Runtime.Configuration;

/// <summary>
/// Settings of particular state backends (Flink's RocksDBOptions and friends); the backend itself is chosen by
/// <see cref="CheckpointingOptions.StateBackend"/>. Checked with every other key when a job is submitted or a silo starts.
/// </summary>
public static class StateBackendOptions
{
    public static readonly ConfigOption<string> RocksDbLocalDirectory = ConfigOptions.Key("state.backend.rocksdb.localdir").StringType()
        .WithCheck(path => Path.IsPathFullyQualified(path) ? null : "the directory must be an absolute local path",
            "an absolute local path, e.g. /var/lib/grainflow/rocksdb (leave the key out for the default under the silo's data folder)")
        .AsLocation()
        .WithDescription("Where the RocksDB backend keeps the working directories of its instances, on the local disk of each silo.");

    public static readonly ConfigOption<long> RocksDbBlockCacheSize = ConfigOptions.Key("state.backend.rocksdb.block.cache-size").MemorySizeType()
        .WithCheck(bytes => bytes >= 1 << 20 ? null : "the block cache needs at least 1 mb", "a size of at least 1 mb, e.g. \"64 mb\"")
        .WithDefault(8L << 20)
        .WithDescription("The block cache of one RocksDB instance (one per keyed operator subtask).");

    public static readonly ConfigOption<long> RocksDbWriteBufferSize = ConfigOptions.Key("state.backend.rocksdb.writebuffer.size").MemorySizeType()
        .WithCheck(bytes => bytes >= 64 << 10 ? null : "a write buffer needs at least 64 kb", "a size of at least 64 kb, e.g. \"64 mb\"")
        .WithDefault(64L << 20)
        .WithDescription("The size of one memtable of one state (column family) before it is flushed to an SST file.");

    public static readonly ConfigOption<int> RocksDbWriteBufferCount = ConfigOptions.Key("state.backend.rocksdb.writebuffer.count").IntType()
        .WithCheck(count => count >= 1 ? null : "at least one write buffer is needed", "a whole number of at least 1")
        .WithDefault(2)
        .WithDescription("How many memtables one state may hold (one written, the others being flushed).");

    public static readonly ConfigOption<long> RocksDbWriteCacheSize = ConfigOptions.Key("state.backend.rocksdb.write-cache.size").MemorySizeType()
        .WithCheck(bytes => bytes >= 0 ? null : "the write cache cannot be negative", "a size, e.g. \"16 mb\" (0 turns the cache off)")
        .WithDefault(RocksDbBackendOptions.DefaultWriteCacheBytes)
        .WithDescription("The entries one RocksDB instance keeps in memory in front of the database; a quarter of it bounds the writes not yet in RocksDB, which a barrier writes.");

    public static readonly ConfigOption<long> RocksDbFixedMemoryPerSlot = ConfigOptions.Key("state.backend.rocksdb.memory.fixed-per-slot").MemorySizeType()
        .WithCheck(bytes => bytes >= 1 << 20 ? null : "give RocksDB at least 1 mb", "a size of at least 1 mb, e.g. \"256 mb\"")
        .WithDescription("Bounds each RocksDB instance as a whole (write cache, block cache and memtables); when set, the write-cache, block-cache and write-buffer sizes are derived from it.");

    public static IReadOnlyList<ConfigOption> All { get; } =
        [RocksDbLocalDirectory, RocksDbBlockCacheSize, RocksDbWriteBufferSize, RocksDbWriteBufferCount, RocksDbWriteCacheSize, RocksDbFixedMemoryPerSlot];
}
