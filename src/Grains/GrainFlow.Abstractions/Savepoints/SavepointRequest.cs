namespace GrainFlow.Savepoints;

/// <summary>What happens to the job once its savepoint completed.</summary>
public enum SavepointTermination
{
    /// <summary>The job keeps running (<c>grainflow savepoint</c>).</summary>
    None,

    /// <summary>The job is cancelled (<c>grainflow cancel -s</c>, REST <c>cancel-job</c>).</summary>
    Cancel,

    /// <summary>Sources stop, the savepoint is taken, the job is FINISHED (<c>grainflow stop</c>).</summary>
    Stop,

    /// <summary>As <see cref="Stop"/>, but event time first advances to the end (<c>grainflow stop --drain</c>).</summary>
    StopAndDrain,
}

/// <summary>
/// A request for a savepoint of a running job. Without <see cref="TargetDirectory"/> the job's
/// <c>execution.checkpointing.savepoint-dir</c> is used. A client-chosen <see cref="TriggerId"/> makes
/// retries idempotent: triggering again with the same id returns the same operation.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.SavepointRequest")]
public sealed record SavepointRequest(
    [property: Id(0)] string? TargetDirectory,
    [property: Id(1)] SavepointFormatType FormatType = SavepointFormatType.Canonical,
    [property: Id(2)] SavepointTermination Then = SavepointTermination.None,
    [property: Id(3)] string? TriggerId = null);
