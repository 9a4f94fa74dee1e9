using GrainFlow.Configuration;
using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// What a subtask grain needs to run its part of one attempt of a job. The job is rebuilt from its
/// name and configuration inside the subtask, so user functions never travel between silos.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.TaskDeployment")]
public sealed record TaskDeployment(
    [property: Id(0)] JobId JobId,
    [property: Id(1)] string JobName,
    [property: Id(2)] long Attempt,
    [property: Id(3)] GrainFlowConfiguration Configuration,
    [property: Id(4)] int? Parallelism,
    [property: Id(5)] string VertexUid,
    [property: Id(6)] int SubtaskIndex,
    [property: Id(7)] RestorePoint? Restore = null);

/// <summary>
/// The completed checkpoint or savepoint an attempt starts from: its directory key within the store at
/// <see cref="StoreLocation"/> (the job's checkpoint storage when null).
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.RestorePoint")]
public sealed record RestorePoint(
    [property: Id(0)] long CheckpointId,
    [property: Id(1)] string DirectoryKey,
    [property: Id(2)] string ExternalPath,
    [property: Id(3)] string? StoreLocation = null,
    [property: Id(4)] bool IsSavepoint = false);
