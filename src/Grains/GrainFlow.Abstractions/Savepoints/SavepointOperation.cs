namespace GrainFlow.Savepoints;

public enum SavepointOperationStatus
{
    InProgress,
    Completed,
}

/// <summary>
/// The state of a triggered savepoint (Flink's asynchronous operation): in progress, or completed
/// with either its <see cref="Location"/> or a failure.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.SavepointOperation")]
public sealed record SavepointOperation(
    [property: Id(0)] string TriggerId,
    [property: Id(1)] SavepointOperationStatus Status,
    [property: Id(2)] string? Location,
    [property: Id(3)] string? FailureType,
    [property: Id(4)] string? FailureMessage,
    [property: Id(5)] long? CheckpointId = null)
{
    public bool Succeeded => Status == SavepointOperationStatus.Completed && Location is not null;

    public bool Failed => Status == SavepointOperationStatus.Completed && Location is null;
}
