namespace GrainFlow.Jobs;

/// <summary>One row of the job list.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.JobSummary")]
public sealed record JobSummary(
    [property: Id(0)] JobId JobId,
    [property: Id(1)] string Name,
    [property: Id(2)] JobStatus Status,
    [property: Id(3)] DateTimeOffset StartTime,
    [property: Id(4)] DateTimeOffset? EndTime);
