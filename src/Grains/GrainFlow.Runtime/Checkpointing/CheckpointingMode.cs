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

/// <summary>The state backends GrainFlow has (Flink's <c>state.backend.type</c>).</summary>
public enum StateBackendType
{
    Hashmap,
}
