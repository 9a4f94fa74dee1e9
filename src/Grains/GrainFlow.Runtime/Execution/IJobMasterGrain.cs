using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Execution;

/// <summary>The job manager's side facing its subtasks (the public side is <see cref="IJobManagerGrain"/>).</summary>
[Alias("grainflow.IJobMasterGrain")]
public interface IJobMasterGrain : IJobManagerGrain
{
    /// <summary>A subtask's attempt finished; <paramref name="figures"/> are its last, kept for the job's details.</summary>
    [Alias("SubtaskFinished")]
    Task SubtaskFinishedAsync(long attempt, string vertexUid, int subtaskIndex, SubtaskMetrics figures);

    [Alias("SubtaskFailed")]
    Task SubtaskFailedAsync(long attempt, string vertexUid, int subtaskIndex, FailureCause cause);

    /// <summary>
    /// A silo left the cluster, or the cluster started: check now that every subtask still runs its
    /// attempt. Calling it also reactivates a job manager that was lost with its silo, which then
    /// resumes its job.
    /// </summary>
    [Alias("CheckSubtasks")]
    Task CheckSubtasksAsync();

    /// <summary>The coordinator saw more consecutive checkpoint failures than tolerated: fail over.</summary>
    [Alias("CheckpointFailureThresholdExceeded")]
    Task CheckpointFailureThresholdExceededAsync(long attempt, string message);

    /// <summary>The checkpoint taken after every subtask finished completed and its sinks committed: the job is FINISHED.</summary>
    [Alias("FinalCheckpointCompleted")]
    Task FinalCheckpointCompletedAsync(long attempt, long checkpointId);

    /// <summary>
    /// Once the job ended: each vertex's subtask figures (by vertex id, in index order; null where a subtask's
    /// were lost with its silo), kept in the job's record. Null while the job has not ended.
    /// </summary>
    [Alias("GetFinalFigures")]
    Task<IReadOnlyDictionary<string, SubtaskMetrics?[]>?> GetFinalFiguresAsync();

    [Alias("SavepointCompleted")]
    Task SavepointCompletedAsync(long attempt, string triggerId, string location, long checkpointId);

    [Alias("SavepointFailed")]
    Task SavepointFailedAsync(long attempt, string triggerId, string reason);
}
