namespace GrainFlow.Runtime.Channels;

/// <summary>Checkpoint n passes here: everything before it on this channel belongs to checkpoint n, everything after to n+1.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.CheckpointBarrier")]
public sealed record CheckpointBarrier([property: Id(0)] long CheckpointId, [property: Id(1)] long TimestampMs, [property: Id(2)] bool IsSavepoint) : ControlEvent
{
    public override string ToString() => $"barrier {CheckpointId}";
}
