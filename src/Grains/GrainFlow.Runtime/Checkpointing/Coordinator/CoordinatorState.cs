using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>What the coordinator persists so that a reactivation on another silo resumes triggering and can restore.</summary>
[GenerateSerializer, Alias("grainflow.CoordinatorState")]
public sealed class CoordinatorState
{
    /// <summary>The attempt checkpoints are (or were last) taken for; kept after the job ends so its storage is known.</summary>
    [Id(0)] public CoordinatorStart? Job { get; set; }

    /// <summary>True while checkpoints are triggered (false while restarting and after the end).</summary>
    [Id(6)] public bool Active { get; set; }

    [Id(1)] public long NextCheckpointId { get; set; } = 1;

    [Id(2)] public List<CompletedCheckpoint> Completed { get; set; } = new();

    [Id(3)] public CheckpointStatsTracker Stats { get; set; } = new();

    [Id(4)] public int ConsecutiveFailures { get; set; }

    [Id(5)] public JobStatus? FinalStatus { get; set; }

    /// <summary>
    /// Set once every subtask finished: the first checkpoint id whose barrier finds them all finished,
    /// so every sink sealed its last output into it. Its completion (and the commits it triggers) lets the job finish.
    /// </summary>
    [Id(7)] public long? FinalCheckpointFrom { get; set; }

    /// <summary>When the final snapshot is a savepoint (stop with drain): which.</summary>
    [Id(8)] public SavepointTrigger? FinalSavepoint { get; set; }

    /// <summary>
    /// Set when the job was restored from a snapshot whose shared files its checkpoints may not reuse (NO_CLAIM, or
    /// another checkpoint storage): checkpoints are full snapshots until one of them completed.
    /// </summary>
    [Id(9)] public bool ForceFullSnapshot { get; set; }
}
