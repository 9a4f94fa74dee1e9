using GrainFlow.Checkpoints;
using GrainFlow.Configuration;
using GrainFlow.Jobs;
using Orleans.Concurrency;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>What the coordinator needs to run checkpoints for one attempt of a job.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.CoordinatorStart")]
public sealed record CoordinatorStart(
    [property: Id(0)] string JobName,
    [property: Id(1)] long Attempt,
    [property: Id(2)] GrainFlowConfiguration Configuration,
    [property: Id(3)] int MaxParallelism,
    [property: Id(4)] IReadOnlyList<SubtaskId> Sources,
    [property: Id(5)] IReadOnlyList<SubtaskId> AllSubtasks,
    [property: Id(6)] IReadOnlyDictionary<string, int> VertexParallelism);

/// <summary>
/// The checkpoint coordinator of one job (key: job id; Flink's CheckpointCoordinator): triggers
/// checkpoints at the sources, collects acknowledgements, writes <c>_metadata</c>, notifies the
/// subtasks, and keeps the retained checkpoints.
/// </summary>
[Alias("grainflow.ICheckpointCoordinatorGrain")]
public interface ICheckpointCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>Begins periodic checkpoints for an attempt (also after a restart or a reactivation).</summary>
    [Alias("Start")]
    Task StartAsync(CoordinatorStart start);

    /// <summary>Stops triggering and aborts what is in flight, keeping completed checkpoints (a restart follows).</summary>
    [Alias("Suspend")]
    Task SuspendAsync();

    /// <summary>Stops for good: aborts what is in flight and applies the retention policy for <paramref name="finalStatus"/>.</summary>
    [Alias("Shutdown")]
    Task ShutdownAsync(JobStatus finalStatus);

    /// <summary>Triggers a checkpoint now (honouring max concurrent checkpoints) and returns its id.</summary>
    [Alias("Trigger")]
    Task<long> TriggerCheckpointAsync();

    [Alias("Acknowledge")]
    Task AcknowledgeAsync(long attempt, long checkpointId, SubtaskSnapshot snapshot);

    /// <param name="countsAsFailure">
    /// False when the subtask merely could not take part (another attempt, shutting down): such a
    /// checkpoint is aborted but does not count toward <c>tolerable-failed-checkpoints</c>, as in Flink.
    /// </param>
    [Alias("Decline")]
    Task DeclineAsync(long attempt, long checkpointId, SubtaskId subtask, string reason, bool countsAsFailure);

    /// <summary>
    /// Called periodically by a source subtask while the job runs. Its only effect is that the
    /// coordinator is active: after its silo died, this call reactivates it elsewhere, and the
    /// activation resumes triggering from its persisted state.
    /// </summary>
    [AlwaysInterleave, Alias("KeepAlive")]
    Task KeepAliveAsync();

    [AlwaysInterleave, Alias("GetLatestCompleted")]
    Task<CompletedCheckpoint?> GetLatestCompletedAsync();

    /// <summary>Every retained completed checkpoint (a restore's candidates), oldest first.</summary>
    [AlwaysInterleave, Alias("GetRetained")]
    Task<IReadOnlyList<CompletedCheckpoint>> GetRetainedAsync();

    [AlwaysInterleave, Alias("GetStats")]
    Task<CheckpointStatsSnapshot> GetStatsAsync();

    [Alias("ReportRestored")]
    Task ReportRestoredAsync(RestoreInfo restore);

    /// <summary>A subtask finished: it no longer receives barriers, so the coordinator asks it directly for its final state.</summary>
    [Alias("ReportFinished")]
    Task ReportFinishedAsync(long attempt, SubtaskId subtask);

    /// <summary>
    /// Every subtask finished: one more checkpoint is taken (Flink's final checkpoint), its sinks
    /// commit their last output on its completion, and then the job manager is told the job may finish.
    /// </summary>
    [Alias("TakeFinalCheckpoint")]
    Task TakeFinalCheckpointAsync(long attempt, SavepointTrigger? asSavepoint = null);

    /// <summary>
    /// Triggers a savepoint now (forced: it does not wait for max-concurrent-checkpoints) and returns
    /// its id; the job manager hears of its completion or failure by its trigger id.
    /// </summary>
    [Alias("TriggerSavepoint")]
    Task<long> TriggerSavepointAsync(SavepointTrigger trigger);

    /// <summary>
    /// The job starts from a snapshot outside its own checkpoints: it joins the completed checkpoints
    /// (so a failover before the first new checkpoint restores from it), never deleted in NO_CLAIM
    /// mode, owned like a checkpoint in CLAIM mode.
    /// </summary>
    [Alias("RegisterRestored")]
    Task RegisterRestoredAsync(CompletedCheckpoint restored);
}
