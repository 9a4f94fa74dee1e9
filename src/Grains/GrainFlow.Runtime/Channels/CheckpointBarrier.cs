namespace GrainFlow.Runtime.Channels;

/// <summary>
/// Checkpoint n passes here: everything before it on this channel belongs to checkpoint n, everything
/// after to n+1. A savepoint's barrier carries where its state goes (<see cref="Target"/>) and, for
/// stop-with-savepoint, tells the sources to emit nothing after it. <see cref="FullSnapshot"/> (Flink's
/// FULL_CHECKPOINT type) tells incremental backends to upload every file instead of reusing shared files of
/// earlier checkpoints: the first checkpoint after a NO_CLAIM restore must not depend on the snapshot restored from.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.CheckpointBarrier")]
public sealed record CheckpointBarrier(
    [property: Id(0)] long CheckpointId,
    [property: Id(1)] long TimestampMs,
    [property: Id(2)] bool IsSavepoint,
    [property: Id(3)] Checkpointing.SnapshotTarget? Target = null,
    [property: Id(4)] bool StopSources = false,
    [property: Id(5)] bool FullSnapshot = false) : ControlEvent
{
    public override string ToString() => $"barrier {CheckpointId}";
}
