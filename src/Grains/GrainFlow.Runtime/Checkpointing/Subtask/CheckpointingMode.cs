namespace GrainFlow.Runtime.Checkpointing;

/// <summary>Flink's checkpointing modes.</summary>
public enum CheckpointingMode
{
    /// <summary>Operators with several inputs align barriers: a restore sees every record exactly once.</summary>
    ExactlyOnce,

    /// <summary>No alignment: after a restore some records are processed again.</summary>
    AtLeastOnce,
}

/// <summary>What happens to externalized checkpoints when the job ends (Flink's ExternalizedCheckpointRetention).</summary>
public enum ExternalizedCheckpointRetention
{
    NoExternalizedCheckpoints,
    DeleteOnCancellation,
    RetainOnCancellation,
}

/// <summary>The state backends a job can ask for (Flink's <c>state.backend.type</c>); see <see cref="Api.State.StateBackend"/>.</summary>
public enum StateBackendType
{
    /// <summary>Keyed state as objects on the heap (Flink's HashMapStateBackend).</summary>
    Hashmap,

    /// <summary>Keyed state in an embedded RocksDB instance per keyed subtask (Flink's EmbeddedRocksDBStateBackend).</summary>
    Rocksdb,
}
