namespace GrainFlow.Jobs;

/// <summary>
/// What a client sends to start a job: the registered job name, its parallelism override and its
/// configuration (the <c>-D key=value</c> pairs, which also carry job parameters).
/// </summary>
/// <param name="AllowedRoots">
/// Null: the submitter may name any location (a cluster client). Otherwise every location the
/// submission's own settings name (checkpoint and savepoint directories, the restore path, job
/// parameters declared as locations) must lie under one of these roots; an empty list refuses every
/// location. The REST API sets it from <c>grainflow.rest.allowed-roots</c>.
/// </param>
[GenerateSerializer, Immutable, Alias("grainflow.JobSubmission")]
public sealed record JobSubmission(
    [property: Id(0)] string JobName,
    [property: Id(1)] IReadOnlyDictionary<string, string> Configuration,
    [property: Id(2)] int? Parallelism = null,
    [property: Id(3)] IReadOnlyList<string>? AllowedRoots = null);
