using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Checkpointing;

public enum SnapshotType
{
    Checkpoint,
    Savepoint,
    SyncSavepoint,
}

/// <summary>
/// What kind of snapshot this is and when its files are deleted (Flink's CheckpointProperties).
/// The discard flags per terminal job status are exactly Flink's table: NO_EXTERNALIZED_CHECKPOINTS
/// deletes on every terminal status; DELETE_ON_CANCELLATION keeps only on FAILED;
/// RETAIN_ON_CANCELLATION keeps on CANCELED, FAILED and SUSPENDED; FINISHED always deletes;
/// savepoints and unclaimed restored snapshots are never deleted.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.CheckpointProperties")]
public sealed record CheckpointProperties(
    [property: Id(0)] SnapshotType Type,
    [property: Id(1)] bool Forced,
    [property: Id(2)] bool DiscardSubsumed,
    [property: Id(3)] bool DiscardFinished,
    [property: Id(4)] bool DiscardCancelled,
    [property: Id(5)] bool DiscardFailed,
    [property: Id(6)] bool DiscardSuspended,
    [property: Id(7)] bool Unclaimed)
{
    public static CheckpointProperties ForCheckpoint(ExternalizedCheckpointRetention retention) => retention switch
    {
        ExternalizedCheckpointRetention.RetainOnCancellation => new(SnapshotType.Checkpoint, false, true, true, false, false, false, false),
        ExternalizedCheckpointRetention.DeleteOnCancellation => new(SnapshotType.Checkpoint, false, true, true, true, false, true, false),
        _ => new(SnapshotType.Checkpoint, false, true, true, true, true, true, false),
    };

    public static CheckpointProperties ForSavepoint(bool forced, bool synchronous) =>
        new(synchronous ? SnapshotType.SyncSavepoint : SnapshotType.Savepoint, forced, false, false, false, false, false, false);

    /// <summary>A snapshot a job was restored from in NO_CLAIM mode: the job never deletes it.</summary>
    public static CheckpointProperties ForUnclaimedSnapshot() => new(SnapshotType.Savepoint, false, false, false, false, false, false, true);

    public bool IsSavepoint => Type != SnapshotType.Checkpoint;

    /// <summary>Whether the files go when the job reaches <paramref name="status"/>.</summary>
    public bool DiscardOnShutdown(JobStatus status) => status switch
    {
        JobStatus.Finished => DiscardFinished,
        JobStatus.Canceled => DiscardCancelled,
        JobStatus.Failed => DiscardFailed,
        JobStatus.Suspended => DiscardSuspended,
        _ => false,
    };
}
