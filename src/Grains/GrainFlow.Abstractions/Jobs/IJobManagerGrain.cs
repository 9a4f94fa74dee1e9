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

    /// <summary>
    /// Starts a savepoint (and, per <see cref="Savepoints.SavepointRequest.Then"/>, cancels or stops the job after it);
    /// returns its trigger id at once. Poll <see cref="GetSavepointOperationAsync"/> for the outcome.
    /// </summary>
    /// <exception cref="Errors.SavepointException">No target directory and no default, or the job is not running.</exception>
    [Alias("TriggerSavepoint")]
    Task<string> TriggerSavepointAsync(Savepoints.SavepointRequest request);

    /// <exception cref="Errors.UnknownTriggerException">No savepoint of this job was triggered with that id.</exception>
    [AlwaysInterleave, Alias("GetSavepointOperation")]
    Task<Savepoints.SavepointOperation> GetSavepointOperationAsync(string triggerId);

    /// <summary>Triggers a checkpoint now (Flink's manual checkpoint); returns its id. Its outcome shows in the checkpoint statistics.</summary>
    /// <exception cref="Errors.GrainFlowException">The job is not running, or has no checkpoint storage.</exception>
    [Alias("TriggerCheckpoint")]
    Task<long> TriggerCheckpointAsync();
}
