using GrainFlow.Runtime.Channels;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// What a <see cref="CheckpointCoordinator"/> needs from the activation it runs in: its persisted state, a periodic
/// tick, and calls to the job's subtasks and job manager. The grain implements it over Orleans; tests implement it
/// in memory, so the coordinator's rules run without a cluster.
/// </summary>
internal interface ICheckpointCoordinatorHost
{
    /// <summary>Persists the coordinator's <see cref="CoordinatorState"/>; done before anything that depends on it is said or deleted.</summary>
    Task WriteStateAsync();

    /// <summary>Calls <see cref="CheckpointCoordinator.OnTickAsync"/> every <paramref name="tick"/> from now on for <paramref name="start"/>'s attempt, replacing any earlier schedule.</summary>
    void StartTicking(CoordinatorStart start, TimeSpan tick);

    void StopTicking();

    /// <summary>True while the whole cluster shuts down: no checkpoint is triggered into tasks that stop with it.</summary>
    bool ClusterStopping { get; }

    /// <summary>Sends <paramref name="barrier"/> to a source (or a finished subtask, which answers for itself).</summary>
    Task TriggerCheckpointAsync(SubtaskId subtask, long attempt, CheckpointBarrier barrier);

    Task NotifyCheckpointCompleteAsync(SubtaskId subtask, long attempt, long checkpointId);

    /// <summary>
    /// Declines a checkpoint as a call of its own into the coordinator, for failures noticed outside one of its calls
    /// (a trigger that failed after the call that sent it returned).
    /// </summary>
    Task DeclineAsync(long attempt, long checkpointId, SubtaskId subtask, string reason);

    /// <summary>The job manager's side (not awaited by the coordinator: the job manager may call back into it).</summary>
    Task FinalCheckpointCompletedAsync(long attempt, long checkpointId);

    Task SavepointCompletedAsync(long attempt, string triggerId, string location, long checkpointId);

    Task SavepointFailedAsync(long attempt, string triggerId, string reason);

    Task CheckpointFailureThresholdExceededAsync(long attempt, string message);
}
