using Orleans.Concurrency;

namespace GrainFlow.Jobs;

/// <summary>
/// One per job (key: the job id). Builds the execution graph, deploys the subtask grains, tracks the
/// job's status and persists it, so that a reactivation on another silo finds it.
/// </summary>
[Alias("grainflow.IJobManagerGrain")]
public interface IJobManagerGrain : IGrainWithStringKey
{
    /// <summary>Starts the job; fails with <see cref="Errors.JobConfigurationException"/> for a bad submission.</summary>
    [Alias("Start")]
    Task StartAsync(JobSubmission submission);

    /// <exception cref="Errors.JobNotFoundException">No job with this id was ever submitted.</exception>
    [AlwaysInterleave, Alias("GetDetails")]
    Task<JobDetails> GetDetailsAsync();

    /// <summary>Cancels the job; returns the status it ended in (a job already terminal is left as it is).</summary>
    [Alias("Cancel")]
    Task<JobStatus> CancelAsync();

    /// <summary>Checkpoint counters, the latest completed, failed and restored checkpoints, and the recent history (empty without checkpointing).</summary>
    [AlwaysInterleave, Alias("GetCheckpointStats")]
    Task<Checkpoints.CheckpointStatsSnapshot> GetCheckpointStatsAsync();

    /// <summary>Waits until the job is terminal or <paramref name="timeout"/> passes; returns the status then.</summary>
    [AlwaysInterleave, Alias("WaitForTermination")]
    Task<JobStatus> WaitForTerminationAsync(TimeSpan timeout);
}
