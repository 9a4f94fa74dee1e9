using GrainFlow.Checkpoints;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Storage;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Flink's CheckpointCoordinator as a grain. A timer that keeps the activation alive triggers
/// checkpoint n at the sources (honouring interval, min pause and max concurrent); acknowledgements
/// fill the <see cref="PendingCheckpoint"/>; when all are in, <c>_metadata</c> is written last with an
/// atomic create, the checkpoint joins the <see cref="CompletedCheckpointStore"/> (subsuming older
/// ones, whose files are deleted) and every subtask is notified. Expired checkpoints are aborted and
/// their files deleted; failures past the tolerable number fail the job over.
/// </summary>
// Pending checkpoints live in memory: not migrated by Orleans (a silo's shutdown would look for another silo even
// when none is left); a new activation resumes from the persisted state.
[Orleans.Placement.Immovable]
internal sealed class CheckpointCoordinatorGrain(
    [PersistentState("coordinator", GrainFlowStorage.ProviderName)] IPersistentState<CoordinatorState> state,
    GrainFlowStores stores,
    TimeProvider time,
    ClusterShutdown shutdown,
    ILogger<CheckpointCoordinatorGrain> logger) : Grain, ICheckpointCoordinatorGrain
{
    private readonly PendingCheckpoints _pending = new();
    // Finished subtasks get no barriers any more; they are asked for their final state directly.
    private readonly HashSet<SubtaskId> _finished = new();
    private IGrainTimer? _timer;
    private CheckpointRequestDecider? _decider;
    private CompletedCheckpointStore? _store;
    // For the attempt's configuration; its shared-state registry is rebuilt when first needed by an activation (never persisted).
    private CheckpointsCleaner? _cleaner;

    private JobId JobId => new(this.GetPrimaryKeyString());

    private CoordinatorStart Running => state.State.Active && state.State.Job is { } job
        ? job
        : throw new InvalidOperationException($"Job {JobId} is not running with checkpoints.");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A reactivation (the previous silo died) resumes triggering for the attempt that was running.
        if (state.State.Active && state.State.Job is { } running) Begin(running);
        return Task.CompletedTask;
    }

    public async Task StartAsync(CoordinatorStart start)
    {
        await AbortAllPendingAndCleanAsync("a new attempt started");
        _finished.Clear();
        state.State.Job = start;
        state.State.Active = true;
        state.State.FinalStatus = null;
        state.State.FinalCheckpointFrom = null;
        state.State.FinalSavepoint = null;
        state.State.Stats.KeepHistoryOf(start.Configuration.Get(WebOptions.CheckpointsHistory));
        await state.WriteStateAsync();
        _cleaner = null;
        await ForceFullSnapshotAfterForeignClaimAsync();
        await Cleaner.DeleteStrayCheckpointsAsync(state.State.Completed, state.State.NextCheckpointId, _pending.Contains);
        await Cleaner.DeleteSharedOrphansAsync(state.State.NextCheckpointId - 1, state.State.Completed);
        Begin(start);
    }

    public async Task SuspendAsync()
    {
        StopTimer();
        await AbortAllPendingAndCleanAsync("the job is restarting");
        state.State.Active = false;
        await state.WriteStateAsync();
    }

    public async Task ShutdownAsync(JobStatus finalStatus)
    {
        StopTimer();
        await AbortAllPendingAndCleanAsync($"the job is {finalStatus.ToFlinkName()}");
        if (state.State.FinalStatus is not null) return;
        state.State.Completed = await Cleaner.ShutdownAsync(Store().Shutdown(finalStatus), state.State.Completed, state.State.NextCheckpointId);
        state.State.FinalStatus = finalStatus;
        state.State.Active = false;
        _store = null;
        _cleaner = null;
        await state.WriteStateAsync();
    }

    public async Task<long> TriggerCheckpointAsync()
    {
        _ = Running;
        return await TriggerAsync();
    }

    public async Task AcknowledgeAsync(long attempt, long checkpointId, SubtaskSnapshot snapshot)
    {
        var subtask = new SubtaskId(snapshot.VertexUid, snapshot.SubtaskIndex);
        if (_pending.Of(checkpointId, attempt) is not { } pending)
        {
            // Late: the checkpoint was aborted, or belongs to an older attempt. What was written for it is garbage.
            if (!state.State.Completed.Any(c => c.CheckpointId == checkpointId)) await DeleteAbandonedAsync(checkpointId);
            return;
        }
        switch (pending.Acknowledge(subtask, snapshot, time.GetUtcNow()))
        {
            case AcknowledgeResult.Success when pending.IsFullyAcknowledged:
                await CompleteAsync(pending);
                break;
            case AcknowledgeResult.Discarded:
                await DeleteAbandonedAsync(checkpointId);
                break;
        }
    }

    public async Task DeclineAsync(long attempt, long checkpointId, SubtaskId subtask, string reason, bool countsAsFailure)
    {
        if (_pending.Of(checkpointId, attempt) is not { } pending) return;
        var message = $"declined by {subtask}: {reason}";
        logger.LogDeclined(checkpointId, subtask.ToString(), JobId, reason);
        if (countsAsFailure) await FailAsync(pending, message);
        else await AbortAsync(pending, message);
        await state.WriteStateAsync();
    }

    public Task KeepAliveAsync() => Task.CompletedTask;

    public Task<CompletedCheckpoint?> GetLatestCompletedAsync() =>
        Task.FromResult(state.State.Completed.OrderBy(c => c.CheckpointId).LastOrDefault());

    public Task<IReadOnlyList<CompletedCheckpoint>> GetRetainedAsync() =>
        Task.FromResult<IReadOnlyList<CompletedCheckpoint>>(state.State.Completed.OrderBy(c => c.CheckpointId).ToList());

    public Task<CheckpointStatsSnapshot> GetStatsAsync() => Task.FromResult(state.State.Stats.Snapshot());

    public Task ReportFinishedAsync(long attempt, SubtaskId subtask)
    {
        if (!state.State.Active || state.State.Job is not { } running || running.Attempt != attempt) return Task.CompletedTask;
        _finished.Add(subtask);
        foreach (var pending in _pending.All.Where(p => !p.Acknowledged.ContainsKey(subtask)))
        {
            _ = TriggerSourceAsync(subtask, attempt, _pending.BarrierOf(pending.CheckpointId));
        }
        return Task.CompletedTask;
    }

    public async Task TakeFinalCheckpointAsync(long attempt, SavepointTrigger? asSavepoint = null)
    {
        if (!state.State.Active || state.State.Job is not { } running || running.Attempt != attempt || state.State.FinalCheckpointFrom is not null) return;
        foreach (var subtask in running.AllSubtasks) _finished.Add(subtask);
        state.State.FinalCheckpointFrom = state.State.NextCheckpointId;
        state.State.FinalSavepoint = asSavepoint;
        await state.WriteStateAsync();
        // Now rather than at the next interval; if checkpoints are in flight, the timer triggers it when there is room.
        _decider?.DueNow(time.GetUtcNow());
        if (asSavepoint is not null) await TriggerSavepointAsync(asSavepoint);
        else if (_pending.Count < running.Configuration.Get(CheckpointingOptions.MaxConcurrent)) await TriggerAsync();
    }

    public async Task<long> TriggerSavepointAsync(SavepointTrigger trigger)
    {
        var running = Running;
        var id = state.State.NextCheckpointId++;
        var now = time.GetUtcNow();
        var properties = CheckpointProperties.ForSavepoint(forced: true, synchronous: trigger.Then != Savepoints.SavepointTermination.None);
        var pending = new PendingCheckpoint(id, running.Attempt, now, properties, running.AllSubtasks);
        var barrier = new CheckpointBarrier(id, now.ToUnixTimeMilliseconds(), IsSavepoint: true, trigger.Target,
            StopSources: trigger.Then == Savepoints.SavepointTermination.Stop);
        _pending.Add(pending, barrier, trigger);
        state.State.Stats.ReportPending(pending);
        await state.WriteStateAsync();
        logger.LogSavepointTriggered(id, JobId, trigger.Target.Location);
        foreach (var target in state.State.FinalCheckpointFrom is null ? running.Sources.Union(_finished) : running.AllSubtasks)
        {
            _ = TriggerSourceAsync(target, running.Attempt, barrier);
        }
        return id;
    }

    public async Task RegisterRestoredAsync(CompletedCheckpoint restored)
    {
        var subsumed = Store().Add(restored);
        state.State.Completed = Store().All.ToList();
        // Rebuilt with it when next needed (the job's checkpoint storage is known once its attempt starts).
        _cleaner?.ForgetSharedState();
        // NO_CLAIM: the job's checkpoints must not depend on the snapshot restored from (Flink forces a full checkpoint).
        state.State.ForceFullSnapshot = restored.Properties.Unclaimed;
        await state.WriteStateAsync();
        await Cleaner.DiscardAllAsync(subsumed, "subsumed", state.State.Completed);
    }

    public async Task ReportRestoredAsync(RestoreInfo restore)
    {
        state.State.Stats.ReportRestored(restore);
        // Checkpoint ids continue after the restored one (Flink resets the counter to restoredId + 1).
        state.State.NextCheckpointId = Math.Max(state.State.NextCheckpointId, restore.CheckpointId + 1);
        await state.WriteStateAsync();
    }

    private void Begin(CoordinatorStart start)
    {
        StopTimer();
        _store = null;
        _cleaner = null;
        // The job's checkpoint figures under Flink's metric names, for as long as this activation lives.
        state.State.Stats.PublishTo(((IGrainBase)this).GrainContext, JobId.Value, start.JobName);
        // The minimum pause counts from the last completion of this activation, across attempts.
        _decider = new CheckpointRequestDecider(start.Configuration, time.GetUtcNow()) { LastCompletion = _decider?.LastCompletion ?? DateTimeOffset.MinValue };
        var tick = _decider.Tick;
        _timer = this.RegisterGrainTimer(OnTickAsync, new GrainTimerCreationOptions { DueTime = tick, Period = tick, KeepAlive = true });
    }

    private async Task OnTickAsync(CancellationToken cancellation)
    {
        // The whole cluster stops: no checkpoint is triggered into tasks that are stopping with it.
        if (!state.State.Active || state.State.Job is not { } running || shutdown.LastSiloStopping.IsCancellationRequested) return;
        if (FinalCheckpointCompleted() is { } final)
        {
            // The job manager was told already; repeated in case that call was lost.
            ReportFinalCheckpoint(running.Attempt, final);
            return;
        }
        var now = time.GetUtcNow();
        var timeout = running.Configuration.Get(CheckpointingOptions.Timeout);
        foreach (var expired in _pending.All.Where(p => now - p.TriggerTime > timeout))
        {
            logger.LogExpired(expired.CheckpointId, JobId);
            await FailAsync(expired, $"Checkpoint {expired.CheckpointId} of job {JobId} expired before completing.");
        }
        // Stop with drain: the final snapshot must be that savepoint; tried again if it failed.
        switch (_decider!.Decide(now, _pending.Count, state.State.FinalCheckpointFrom is not null, state.State.FinalSavepoint is not null))
        {
            case TriggerDecision.TriggerFinalSavepoint:
                await TriggerSavepointAsync(state.State.FinalSavepoint!);
                break;
            case TriggerDecision.TriggerCheckpoint:
                await TriggerAsync();
                break;
        }
    }

    private async Task<long> TriggerAsync()
    {
        var running = Running;
        if (_pending.Count >= running.Configuration.Get(CheckpointingOptions.MaxConcurrent))
        {
            throw new InvalidOperationException($"Job {JobId} already has {_pending.Count} checkpoint(s) in progress (execution.checkpointing.max-concurrent-checkpoints).");
        }
        var id = state.State.NextCheckpointId++;
        var now = time.GetUtcNow();
        var properties = CheckpointProperties.ForCheckpoint(running.Configuration.Get(CheckpointingOptions.Retention));
        var pending = new PendingCheckpoint(id, running.Attempt, now, properties, running.AllSubtasks);
        var barrier = new CheckpointBarrier(id, now.ToUnixTimeMilliseconds(), IsSavepoint: false, FullSnapshot: state.State.ForceFullSnapshot);
        _pending.Add(pending, barrier);
        state.State.Stats.ReportPending(pending);
        await state.WriteStateAsync();
        logger.LogTriggered(id, now.ToUnixTimeMilliseconds(), JobId, barrier.FullSnapshot);
        // After every subtask finished (also after a reactivation, which forgot _finished) each is asked directly.
        var targets = state.State.FinalCheckpointFrom is null ? running.Sources.Union(_finished) : running.AllSubtasks;
        foreach (var source in targets)
        {
            _ = TriggerSourceAsync(source, running.Attempt, barrier);
        }
        return id;
    }

    private async Task TriggerSourceAsync(SubtaskId source, long attempt, CheckpointBarrier barrier)
    {
        try
        {
            await GrainFactory.GetGrain<ISubtaskGrain>(SubtaskKey.Of(JobId, source.VertexUid, source.Index)).TriggerCheckpointAsync(attempt, barrier);
        }
        catch (Exception e)
        {
            await this.AsReference<ICheckpointCoordinatorGrain>().DeclineAsync(attempt, barrier.CheckpointId, source, $"the trigger failed: {e.Message}", countsAsFailure: true);
        }
    }

    private async Task CompleteAsync(PendingCheckpoint pending)
    {
        var running = Running;
        if (time.GetUtcNow() - pending.TriggerTime > running.Configuration.Get(CheckpointingOptions.Timeout))
        {
            await FailAsync(pending, $"Checkpoint {pending.CheckpointId} of job {JobId} expired before completing.");
            return;
        }
        var savepoint = _pending.SavepointOf(pending.CheckpointId);
        var location = LocationOf(pending.CheckpointId);
        var completion = time.GetUtcNow();
        var metadata = pending.ToMetadata(JobId.Value, running, completion, savepoint?.Target.Format);
        var finalizeWatch = System.Diagnostics.Stopwatch.StartNew();
        SharedStateFiles? shared = null;
        if (savepoint is null)
        {
            try
            {
                shared = await Cleaner.SharedAsync(state.State.Completed);
            }
            catch (ObjectStoreException e)
            {
                await FailAsync(pending, $"reading the retained checkpoints' _metadata failed: {e.Message}");
                return;
            }
            if (shared.Registry.UnknownReference(pending.CheckpointId, IncrementalStateReferences.SharedPaths(metadata)) is { } unknown)
            {
                await FailAsync(pending, $"Checkpoint {pending.CheckpointId} of job {JobId} cannot complete: {unknown}.");
                return;
            }
        }
        try
        {
            // Written last and only if absent: a chk-n with _metadata is complete, one without never was.
            await location.Store.PutAsync(location.DirectoryKey + CheckpointLayout.MetadataFileName, metadata.ToBytes(), WriteCondition.IfNotExists);
        }
        catch (ObjectStoreException e)
        {
            await FailAsync(pending, $"writing _metadata failed: {e.Message}");
            return;
        }
        var completedBarrier = _pending.Remove(pending.CheckpointId)!.Value.Barrier;
        var completed = new CompletedCheckpoint(JobId, pending.CheckpointId, pending.TriggerTime, completion, pending.Properties,
            location.ExternalPath, location.DirectoryKey, pending.Acknowledged.Values.Sum(a => a.StateSize), location.Store.Location);
        var statistics = state.State.Stats.ReportCompleted(pending, completed);
        if (savepoint is not null)
        {
            await CompleteSavepointAsync(running, pending, savepoint, completed);
            return;
        }
        var subsumed = Store().Add(completed);
        state.State.Completed = Store().All.ToList();
        shared!.Register(completed, metadata);
        // A full snapshot completed: later checkpoints may reuse its files.
        if (completedBarrier.FullSnapshot) state.State.ForceFullSnapshot = false;
        state.State.ConsecutiveFailures = 0;
        if (_decider is not null) _decider.LastCompletion = completion;
        // Older checkpoints still in flight can no longer matter (Flink subsumes them).
        foreach (var older in _pending.All.Where(p => p.CheckpointId < pending.CheckpointId)) await AbortAsync(older, "subsumed by a newer checkpoint");
        // Recorded before anything subsumed is deleted: a coordinator that dies in between leaves
        // stray files behind (removed when the next attempt starts), never a record of a checkpoint
        // whose files are gone.
        await state.WriteStateAsync();
        logger.LogCompleted(pending.CheckpointId, JobId, completed.StateSize, (long)statistics.EndToEndDuration!.Value.TotalMilliseconds, finalizeWatch.ElapsedMilliseconds);
        var notifications = running.AllSubtasks.Select(subtask => NotifyAsync(subtask, running.Attempt, pending.CheckpointId)).ToList();
        // After the notifications went out: sinks commit without waiting for gigabytes to be deleted.
        await Cleaner.DiscardAllAsync(subsumed, "subsumed", state.State.Completed);
        // What checkpoints up to this one uploaded and no retained checkpoint references never completed (a
        // listing per checkpoint, so only for jobs with incremental state; attempts and the end sweep always).
        if (running.Configuration.Get(CheckpointingOptions.Incremental) || shared.Registry.RegisteredFiles.Count > 0)
        {
            await Cleaner.DeleteSharedOrphansAsync(pending.CheckpointId, state.State.Completed);
        }
        if (FinalCheckpointCompleted() is { } final)
        {
            // The sinks commit their last output while handling the notification; only then may the job
            // finish, because FINISHED discards every checkpoint a later restore could commit it from.
            await Task.WhenAll(notifications);
            ReportFinalCheckpoint(running.Attempt, final);
        }
    }

    /// <summary>
    /// A savepoint is the user's: it never joins the completed checkpoints (not subsumed, not deleted,
    /// not used for failover) and commits no side effects — unless it ends the job (stop), whose sinks
    /// commit on it as on a final checkpoint.
    /// </summary>
    private async Task CompleteSavepointAsync(CoordinatorStart running, PendingCheckpoint pending, SavepointTrigger savepoint, CompletedCheckpoint completed)
    {
        await state.WriteStateAsync();
        logger.LogSavepointCompleted(pending.CheckpointId, JobId, (long)(completed.CompletionTime - pending.TriggerTime).TotalMilliseconds, completed.ExternalPath);
        var endsJob = savepoint.Then is Savepoints.SavepointTermination.Stop or Savepoints.SavepointTermination.StopAndDrain;
        if (endsJob)
        {
            await Task.WhenAll(running.AllSubtasks.Select(subtask => NotifyAsync(subtask, running.Attempt, pending.CheckpointId)));
        }
        ReportToJobManager(master => master.SavepointCompletedAsync(running.Attempt, savepoint.TriggerId, completed.ExternalPath, pending.CheckpointId),
            pending.CheckpointId);
    }

    /// <summary>Where checkpoint <paramref name="checkpointId"/> is written: its savepoint directory, or <c>chk-n</c> in the job's checkpoint storage.</summary>
    private SnapshotLocation LocationOf(long checkpointId) =>
        _pending.SavepointOf(checkpointId) is { } savepoint ? Cleaner.SavepointLocation(savepoint.Target) : Cleaner.CheckpointLocation(checkpointId);

    private void ReportToJobManager(Func<IJobMasterGrain, Task> report, long checkpointId)
    {
        // Not awaited: the job manager may call back into this (non-reentrant) grain while handling it.
        _ = report(GrainFactory.GetGrain<IJobMasterGrain>(JobId.Value))
            .ContinueWith(t => logger.LogNotifyFailed(t.Exception!, checkpointId, "job manager"), TaskContinuationOptions.OnlyOnFaulted);
    }

    private long? FinalCheckpointCompleted() =>
        state.State.FinalCheckpointFrom is { } from && state.State.FinalSavepoint is null
        && state.State.Completed.Select(c => c.CheckpointId).Where(id => id >= from).DefaultIfEmpty(-1).Max() is var id and >= 0
            ? id
            : null;

    private void ReportFinalCheckpoint(long attempt, long checkpointId) =>
        ReportToJobManager(master => master.FinalCheckpointCompletedAsync(attempt, checkpointId), checkpointId);

    private async Task NotifyAsync(SubtaskId subtask, long attempt, long checkpointId)
    {
        try
        {
            await GrainFactory.GetGrain<ISubtaskGrain>(SubtaskKey.Of(JobId, subtask.VertexUid, subtask.Index)).NotifyCheckpointCompleteAsync(attempt, checkpointId);
        }
        catch (Exception e)
        {
            // Notifications are best effort (as in Flink): a sink commits everything up to the id it is told next time.
            logger.LogNotifyFailed(e, checkpointId, subtask.ToString());
        }
    }

    private async Task FailAsync(PendingCheckpoint pending, string reason)
    {
        var isSavepoint = _pending.SavepointOf(pending.CheckpointId) is not null;
        await AbortAsync(pending, reason);
        // As in Flink, failed savepoints do not count toward the tolerable checkpoint failures.
        if (isSavepoint) return;
        state.State.ConsecutiveFailures++;
        await state.WriteStateAsync();
        if (!state.State.Active || state.State.Job is not { } running) return;
        var tolerable = running.Configuration.Get(CheckpointingOptions.TolerableFailures);
        if (state.State.ConsecutiveFailures > tolerable)
        {
            var message = $"Exceeded checkpoint tolerable failure threshold ({tolerable}): {reason}";
            state.State.ConsecutiveFailures = 0;
            _ = GrainFactory.GetGrain<IJobMasterGrain>(JobId.Value).CheckpointFailureThresholdExceededAsync(running.Attempt, message);
        }
    }

    private async Task AbortAsync(PendingCheckpoint pending, string reason)
    {
        pending.Abort(reason);
        var location = LocationOf(pending.CheckpointId);
        var savepoint = _pending.Remove(pending.CheckpointId)?.Savepoint;
        state.State.Stats.ReportFailed(pending, reason, time.GetUtcNow());
        logger.LogAborted(pending.CheckpointId, JobId, (long)(time.GetUtcNow() - pending.TriggerTime).TotalMilliseconds, reason);
        // A deletion that fails is only logged: the failure counts all the same (tolerable-failed-checkpoints).
        await Cleaner.DeleteAbortedAsync(pending.CheckpointId, location);
        if (savepoint is not null && state.State.Job is { } running)
        {
            ReportToJobManager(master => master.SavepointFailedAsync(running.Attempt, savepoint.TriggerId, reason), pending.CheckpointId);
        }
    }

    private async Task AbortAllPendingAndCleanAsync(string reason)
    {
        foreach (var pending in _pending.All) await AbortAsync(pending, reason);
    }

    /// <summary>
    /// A job that claimed (CLAIM) a snapshot in another checkpoint storage, and has no checkpoint of its own yet,
    /// cannot name the snapshot's shared files from its checkpoints: its first checkpoint must be full, as after NO_CLAIM.
    /// </summary>
    private async Task ForceFullSnapshotAfterForeignClaimAsync()
    {
        // The job manager registers the snapshot a job starts from with no directory key (its store is rooted at it).
        if (state.State.ForceFullSnapshot || state.State.Completed is not [{ DirectoryKey: "", Properties.Unclaimed: false } claimed]) return;
        if (!await Cleaner.ClaimedFromForeignStorageAsync(claimed, state.State.Completed)) return;
        state.State.ForceFullSnapshot = true;
        await state.WriteStateAsync();
    }

    /// <summary>Deletes what a late subtask wrote for a checkpoint that will never complete (and the job's folder once nothing of it is kept).</summary>
    private Task DeleteAbandonedAsync(long checkpointId) =>
        Cleaner.DeleteAbandonedAsync(checkpointId, jobEndedWithNothingKept: state.State.FinalStatus is not null && state.State.Completed.Count == 0);

    private CheckpointsCleaner Cleaner =>
        _cleaner ??= new CheckpointsCleaner(JobId, state.State.Job?.Configuration ?? GrainFlow.Configuration.GrainFlowConfiguration.Empty, stores, logger);

    private CompletedCheckpointStore Store()
    {
        if (_store is not null) return _store;
        var retained = state.State.Job?.Configuration.Get(CheckpointingOptions.NumRetained) ?? 1;
        return _store = new CompletedCheckpointStore(retained, state.State.Completed);
    }

    private void StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }
}
