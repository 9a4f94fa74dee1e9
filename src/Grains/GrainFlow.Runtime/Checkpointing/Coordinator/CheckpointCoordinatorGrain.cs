using GrainFlow.Checkpoints;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The <see cref="CheckpointCoordinator"/> of one job as a grain: its state persisted in grain storage, its tick a
/// grain timer that keeps the activation alive, its calls to subtasks and the job manager grain calls.
/// </summary>
// Pending checkpoints live in memory: not migrated by Orleans (a silo's shutdown would look for another silo even
// when none is left); a new activation resumes from the persisted state.
[Orleans.Placement.Immovable]
internal sealed class CheckpointCoordinatorGrain : Grain, ICheckpointCoordinatorGrain, ICheckpointCoordinatorHost
{
    private readonly IPersistentState<CoordinatorState> _state;
    private readonly ClusterShutdown _shutdown;
    private readonly CheckpointCoordinator _coordinator;
    private IGrainTimer? _timer;

    public CheckpointCoordinatorGrain(
        [PersistentState("coordinator", GrainFlowStorage.ProviderName)] IPersistentState<CoordinatorState> state,
        GrainFlowStores stores,
        TimeProvider time,
        ClusterShutdown shutdown,
        ILogger<CheckpointCoordinatorGrain> logger)
    {
        _state = state;
        _shutdown = shutdown;
        _coordinator = new CheckpointCoordinator(JobId, () => _state.State, this, stores, time, logger);
    }

    private JobId JobId => new(this.GetPrimaryKeyString());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _coordinator.Resume();
        return Task.CompletedTask;
    }

    public Task StartAsync(CoordinatorStart start) => _coordinator.StartAsync(start);

    public Task SuspendAsync() => _coordinator.SuspendAsync();

    public Task ShutdownAsync(JobStatus finalStatus) => _coordinator.ShutdownAsync(finalStatus);

    public Task<long> TriggerCheckpointAsync() => _coordinator.TriggerCheckpointAsync();

    public Task AcknowledgeAsync(long attempt, long checkpointId, SubtaskSnapshot snapshot) => _coordinator.AcknowledgeAsync(attempt, checkpointId, snapshot);

    public Task DeclineAsync(long attempt, long checkpointId, SubtaskId subtask, string reason, bool countsAsFailure) =>
        _coordinator.DeclineAsync(attempt, checkpointId, subtask, reason, countsAsFailure);

    public Task KeepAliveAsync() => Task.CompletedTask;

    public Task<CompletedCheckpoint?> GetLatestCompletedAsync() =>
        Task.FromResult(_state.State.Completed.OrderBy(c => c.CheckpointId).LastOrDefault());

    public Task<IReadOnlyList<CompletedCheckpoint>> GetRetainedAsync() =>
        Task.FromResult<IReadOnlyList<CompletedCheckpoint>>(_state.State.Completed.OrderBy(c => c.CheckpointId).ToList());

    public Task<CheckpointStatsSnapshot> GetStatsAsync() => Task.FromResult(_state.State.Stats.Snapshot());

    public Task ReportRestoredAsync(RestoreInfo restore) => _coordinator.ReportRestoredAsync(restore);

    public Task ReportFinishedAsync(long attempt, SubtaskId subtask) => _coordinator.ReportFinishedAsync(attempt, subtask);

    public Task TakeFinalCheckpointAsync(long attempt, SavepointTrigger? asSavepoint = null) => _coordinator.TakeFinalCheckpointAsync(attempt, asSavepoint);

    public Task<long> TriggerSavepointAsync(SavepointTrigger trigger) => _coordinator.TriggerSavepointAsync(trigger);

    public Task RegisterRestoredAsync(CompletedCheckpoint restored) => _coordinator.RegisterRestoredAsync(restored);

    Task ICheckpointCoordinatorHost.WriteStateAsync() => _state.WriteStateAsync();

    void ICheckpointCoordinatorHost.StartTicking(CoordinatorStart start, TimeSpan tick)
    {
        StopTicking();
        // The job's checkpoint figures under Flink's metric names, for as long as this activation lives.
        _state.State.Stats.PublishTo(((IGrainBase)this).GrainContext, JobId.Value, start.JobName);
        _timer = this.RegisterGrainTimer(_ => _coordinator.OnTickAsync(), new GrainTimerCreationOptions { DueTime = tick, Period = tick, KeepAlive = true });
    }

    void ICheckpointCoordinatorHost.StopTicking() => StopTicking();

    bool ICheckpointCoordinatorHost.ClusterStopping => _shutdown.LastSiloStopping.IsCancellationRequested;

    Task ICheckpointCoordinatorHost.TriggerCheckpointAsync(SubtaskId subtask, long attempt, CheckpointBarrier barrier) =>
        Subtask(subtask).TriggerCheckpointAsync(attempt, barrier);

    Task ICheckpointCoordinatorHost.NotifyCheckpointCompleteAsync(SubtaskId subtask, long attempt, long checkpointId) =>
        Subtask(subtask).NotifyCheckpointCompleteAsync(attempt, checkpointId);

    // Through the grain reference, so that the decline waits for its own turn of this non-reentrant grain.
    Task ICheckpointCoordinatorHost.DeclineAsync(long attempt, long checkpointId, SubtaskId subtask, string reason) =>
        this.AsReference<ICheckpointCoordinatorGrain>().DeclineAsync(attempt, checkpointId, subtask, reason, countsAsFailure: true);

    Task ICheckpointCoordinatorHost.FinalCheckpointCompletedAsync(long attempt, long checkpointId) =>
        JobManager.FinalCheckpointCompletedAsync(attempt, checkpointId);

    Task ICheckpointCoordinatorHost.SavepointCompletedAsync(long attempt, string triggerId, string location, long checkpointId) =>
        JobManager.SavepointCompletedAsync(attempt, triggerId, location, checkpointId);

    Task ICheckpointCoordinatorHost.SavepointFailedAsync(long attempt, string triggerId, string reason) =>
        JobManager.SavepointFailedAsync(attempt, triggerId, reason);

    Task ICheckpointCoordinatorHost.CheckpointFailureThresholdExceededAsync(long attempt, string message) =>
        JobManager.CheckpointFailureThresholdExceededAsync(attempt, message);

    private ISubtaskGrain Subtask(SubtaskId subtask) => GrainFactory.GetGrain<ISubtaskGrain>(SubtaskKey.Of(JobId, subtask.VertexUid, subtask.Index));

    private IJobMasterGrain JobManager => GrainFactory.GetGrain<IJobMasterGrain>(JobId.Value);

    private void StopTicking()
    {
        _timer?.Dispose();
        _timer = null;
    }
}
