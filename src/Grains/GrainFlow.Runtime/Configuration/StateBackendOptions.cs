using GrainFlow.Configuration;

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

    public static IReadOnlyList<ConfigOption> All { get; } = [RocksDbLocalDirectory];
}
