namespace GrainFlow.Jobs;

/// <summary>
/// What a client sends to start a job: the registered job name, its parallelism override and its
/// configuration (the <c>-D key=value</c> pairs, which also carry job parameters).
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.JobSubmission")]
public sealed record JobSubmission(
    [property: Id(0)] string JobName,
    [property: Id(1)] IReadOnlyDictionary<string, string> Configuration,
    [property: Id(2)] int? Parallelism = null);
