using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace GrainFlow.Silo.Rest.Jobs;

/// <summary>
/// A job's effective configuration (the cluster's keys with the submission's on top, as the job
/// manager builds it) for <c>GET /jobs/:jobid/checkpoints/config</c>.
/// </summary>
/// <remarks>
/// The grain contract does not expose a job's configuration yet, so this reads the submission from the
/// job record the job manager persists (same provider, same process). Settings a job makes in code
/// (<c>EnableCheckpointing</c>) are not in the submission and so not seen here. To be replaced by a
/// job manager call returning the job graph's configuration once the contract has one.
/// </remarks>
public sealed class JobConfigurationReader(IServiceProvider services, JobCatalog catalog)
{
    // Orleans names a grain type after its class without the "Grain" suffix; "job" is the job manager's state name.
    private static readonly GrainType JobManagerType = GrainType.Create("jobmanager");
    private const string JobStateName = "job";

    /// <exception cref="Errors.JobNotFoundException">No record exists for the job.</exception>
    public async Task<GrainFlowConfiguration> ReadAsync(JobId jobId)
    {
        var storage = services.GetRequiredKeyedService<IGrainStorage>(GrainFlowStorage.ProviderName);
        var state = new GrainState<JobRecord>(new JobRecord());
        await storage.ReadStateAsync(JobStateName, GrainId.Create(JobManagerType, jobId.Value), state);
        if (!state.RecordExists || state.State?.Submission is not { } submission) throw new Errors.JobNotFoundException(jobId);
        return catalog.ConfigurationFor(submission.Configuration);
    }
}
