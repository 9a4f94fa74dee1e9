using GrainFlow.Savepoints;

namespace GrainFlow.Runtime.Execution;

/// <summary>A savepoint the job manager triggered: its request, when, and how it ended so far.</summary>
[GenerateSerializer, Alias("grainflow.SavepointOperationRecord")]
public sealed class SavepointOperationRecord
{
    [Id(0)] public SavepointOperation Operation { get; set; } = null!;

    [Id(1)] public SavepointTermination Then { get; set; }

    [Id(2)] public DateTimeOffset TriggeredAt { get; set; }
}
