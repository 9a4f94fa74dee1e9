using Orleans.Concurrency;

namespace GrainFlow.Jobs;

/// <summary>
/// The cluster's list of jobs and the entry point for submissions (one grain, key
/// <see cref="DefaultKey"/>).
/// </summary>
[Alias("grainflow.IJobRegistryGrain")]
public interface IJobRegistryGrain : IGrainWithStringKey
{
    const string DefaultKey = "default";

    /// <summary>Validates and starts a job; returns its new id.</summary>
    /// <exception cref="Errors.UnknownJobException">No job type is registered under that name.</exception>
    /// <exception cref="Errors.JobConfigurationException">A configuration value or the parallelism is invalid.</exception>
    [Alias("Submit")]
    Task<JobId> SubmitAsync(JobSubmission submission);

    [AlwaysInterleave, Alias("ListJobs")]
    Task<IReadOnlyList<JobSummary>> ListJobsAsync();

    /// <summary>The job names registered in the silos, in ordinal order.</summary>
    [AlwaysInterleave, Alias("ListJobTypes")]
    Task<IReadOnlyList<string>> ListJobTypesAsync();

    /// <summary>
    /// Deletes a savepoint (its directory, or the directory of the given <c>_metadata</c>) after checking
    /// that it is one; GrainFlow itself never deletes savepoints.
    /// </summary>
    /// <exception cref="Errors.SavepointException">Nothing is there, or it is not a GrainFlow savepoint.</exception>
    [Alias("DisposeSavepoint")]
    Task DisposeSavepointAsync(string path);

    /// <summary>Called by job managers on every status change.</summary>
    [Alias("Update")]
    Task UpdateAsync(JobSummary summary);
}
