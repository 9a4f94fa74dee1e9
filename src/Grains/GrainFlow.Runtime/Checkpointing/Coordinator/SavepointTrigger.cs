using GrainFlow.Savepoints;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>A savepoint the job manager asked the coordinator for: its trigger id, where it goes, and what happens to the job after it.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.SavepointTrigger")]
public sealed record SavepointTrigger(
    [property: Id(0)] string TriggerId,
    [property: Id(1)] SnapshotTarget Target,
    [property: Id(2)] SavepointTermination Then);
