using GrainFlow.Jobs;
using GrainFlow.Silo.Rest.Hosting;
using GrainFlow.Silo.Rest.Operations;
using GrainFlow.Paths;
using Orleans;

namespace GrainFlow.Silo.Rest.Endpoints;

/// <summary>What every endpoint works with: the silo's grains, the path policy, and the REST-side operations.</summary>
public sealed class RestContext(
    IGrainFactory grains,
    RestApiOptions options,
    AllowedRoots paths,
    AsyncOperationStore operations,
    TimeProvider time)
{
    public IGrainFactory Grains { get; } = grains;

    public RestApiOptions Options { get; } = options;

    public AllowedRoots Paths { get; } = paths;

    public AsyncOperationStore Operations { get; } = operations;

    public TimeProvider Time { get; } = time;

    /// <summary>When this REST API started (the "upload time" of every registered job type in <c>GET /jars</c>).</summary>
    public DateTimeOffset Started { get; } = time.GetUtcNow();

    public IJobRegistryGrain Registry => Grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey);

    public IJobManagerGrain Job(JobId jobId) => Grains.GetGrain<IJobManagerGrain>(jobId.Value);

    /// <exception cref="Http.RestException">400 when the policy refuses <paramref name="path"/>; nothing has been written or deleted then.</exception>
    public void CheckPath(string? path, string field)
    {
        if (path is null) return;
        if (Paths.Check(path, field) is { } refusal) throw Http.RestException.BadRequest(refusal);
    }

    /// <summary>The job's details; 404 for an unknown job.</summary>
    public Task<JobDetails> DetailsAsync(JobId jobId) => Job(jobId).GetDetailsAsync();

    /// <exception cref="Http.RestException">409 unless the job is RUNNING.</exception>
    public async Task<JobDetails> RequireRunningAsync(JobId jobId, string action)
    {
        var details = await DetailsAsync(jobId);
        if (details.Status != JobStatus.Running)
        {
            throw Http.RestException.Conflict($"Job {jobId} is {details.Status.ToFlinkName()}; {action} needs a RUNNING job.");
        }
        return details;
    }
}
