using GrainFlow.Errors;
using GrainFlow.Jobs;
using Orleans.Concurrency;

namespace GrainFlow.Runtime.Execution;

/// <summary>What the registry persists: one summary per job id.</summary>
[GenerateSerializer, Alias("grainflow.JobRegistryState")]
public sealed class JobRegistryState
{
    [Id(0)] public Dictionary<string, JobSummary> Jobs { get; set; } = new();
}

/// <summary>
/// The cluster's job list and submission entry point. Reentrant, because job managers report status
/// changes while a submission waits on them; writes are serialized by a lock.
/// </summary>
[Reentrant]
internal sealed class JobRegistryGrain(
    [PersistentState("registry", GrainFlowStorage.ProviderName)] IPersistentState<JobRegistryState> state,
    JobCatalog catalog) : Grain, IJobRegistryGrain
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public async Task<JobId> SubmitAsync(JobSubmission submission)
    {
        if (string.IsNullOrWhiteSpace(submission.JobName) || !catalog.Contains(submission.JobName))
        {
            throw new UnknownJobException(submission.JobName, catalog.Names);
        }
        var jobId = JobId.New();
        // Validation happens in StartAsync before anything is persisted, so a rejected submission leaves no trace.
        await GrainFactory.GetGrain<IJobManagerGrain>(jobId.Value).StartAsync(submission);
        return jobId;
    }

    public Task<IReadOnlyList<JobSummary>> ListJobsAsync() =>
        Task.FromResult<IReadOnlyList<JobSummary>>(state.State.Jobs.Values.OrderBy(j => j.StartTime).ToList());

    public Task<IReadOnlyList<string>> ListJobTypesAsync() => Task.FromResult(catalog.Names);

    public async Task DisposeSavepointAsync(string path)
    {
        var (snapshot, metadata) = await Checkpointing.SnapshotResolver.OpenAsync(path, catalog.ClusterConfiguration);
        if (!metadata.IsSavepoint)
        {
            throw new SavepointException(
                $"'{snapshot.ExternalPath}' is checkpoint {metadata.CheckpointId} of job {metadata.JobId}, not a savepoint; checkpoints are deleted by their job's retention policy.");
        }
        try
        {
            // Exactly the files the savepoint references: anything else in its folder is not GrainFlow's to delete.
            await Checkpointing.SnapshotDeletion.DeleteReferencedAsync(snapshot, metadata);
        }
        catch (InvalidDataException e)
        {
            throw new SavepointException($"Refusing to dispose the savepoint, nothing was deleted: {e.Message}", e);
        }
    }

    public async Task UpdateAsync(JobSummary summary)
    {
        await _writeLock.WaitAsync();
        try
        {
            state.State.Jobs[summary.JobId.Value] = summary;
            await state.WriteStateAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
