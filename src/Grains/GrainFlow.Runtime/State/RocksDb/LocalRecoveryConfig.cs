using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// Where a job's local copies of RocksDB checkpoints live on this silo when <c>execution.state-recovery.from-local</c> is on
/// (Flink's LocalRecoveryConfig and its directory provider): <c>&lt;state.backend.rocksdb.localdir&gt;/grainflow-local-state/&lt;job id&gt;/</c>,
/// one <see cref="LocalStateStore"/> per keyed operator and key-group range below it. Next to the instances' working directories,
/// so a copy is hard links to the same files (same file system) and outlives the instance it was taken from.
/// </summary>
internal sealed record LocalRecoveryConfig(string RootDirectory, JobId JobId)
{
    public const string DirectoryName = "grainflow-local-state";

    /// <summary>The job's local recovery on this silo, or null when it is off or the job's backend keeps no local files (hashmap).</summary>
    public static LocalRecoveryConfig? For(GrainFlowConfiguration configuration, JobId jobId) =>
        configuration.Get(StateRecoveryOptions.FromLocal) && configuration.Get(CheckpointingOptions.StateBackend) == StateBackendType.Rocksdb
            ? new LocalRecoveryConfig(Path.Combine(Path.GetFullPath(RocksDbKeyedStateBackendFactory.Options(configuration).LocalDirectory), DirectoryName), jobId)
            : null;

    public string JobDirectory => Path.Combine(RootDirectory, JobId.Value);

    /// <summary>The store of the operator <paramref name="operatorUid"/> for the key groups <paramref name="keyGroups"/> (the subtask's, as its snapshots record them).</summary>
    public LocalStateStore StoreFor(string operatorUid, KeyGroupRange keyGroups) =>
        new(Path.Combine(JobDirectory, $"{Uri.EscapeDataString(operatorUid)}-{keyGroups.StartKeyGroup}-{keyGroups.EndKeyGroup}"));

    /// <summary>
    /// The job ended: every local copy it has on this silo goes (Flink releases a job's local state when the job leaves the task manager).
    /// </summary>
    public void DiscardJob() => LocalStateStore.DiscardJob(this);
}
