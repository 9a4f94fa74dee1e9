using GrainFlow.Checkpoints;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Flink's CheckpointCoordinator for one job, as a plain class its grain adapts. Each tick triggers checkpoint n at
/// the sources (honouring interval, min pause and max concurrent); acknowledgements fill the
/// <see cref="PendingCheckpoint"/>; when all are in, <c>_metadata</c> is written last with an atomic create, the
/// checkpoint joins the <see cref="CompletedCheckpointStore"/> (subsuming older ones, whose files are deleted) and
/// every subtask is notified. Expired checkpoints are aborted and their files deleted; failures past the tolerable
/// number fail the job over.
/// </summary>
/// <remarks>Not thread-safe: its host calls it one call at a time (the grain's turns).</remarks>
internal sealed class CheckpointCoordinator(
    JobId jobId,
    Func<CoordinatorState> state,
    ICheckpointCoordinatorHost host,
    GrainFlowStores stores,
    TimeProvider time,
    ILogger logger)
{
    private readonly PendingCheckpoints _pending = new();
    private readonly CoordinatorOutbox _outbox = new(host, logger);
    // Finished subtasks get no barriers any more; they are asked for their final state directly.
    private readonly HashSet<SubtaskId> _finished = new();
    private CheckpointRequestDecider? _decider;
    private CompletedCheckpointStore? _store;
    // For the attempt's configuration; its shared-state registry is rebuilt when first needed by an activation (never persisted).
    private CheckpointsCleaner? _cleaner;

    private JobId JobId => jobId;

    private CoordinatorState State => state();

    private CoordinatorStart Running => State.Active && State.Job is { } job
        ? job
        : throw new InvalidOperationException($"Job {JobId} is not running with checkpoints.");

    /// <summary>After a reactivation (the previous silo died): resumes triggering for the attempt that was running.</summary>
    public void Resume()
    {
        if (State.Active && State.Job is { } running) Begin(running);
    }

    public async Task StartAsync(CoordinatorStart start)
    {
        await AbortAllPendingAndCleanAsync("a new attempt started");
        _finished.Clear();
        State.Job = start;
        State.Active = true;
        State.FinalStatus = null;
        State.FinalCheckpointFrom = null;
        State.FinalSavepoint = null;
        State.Stats.KeepHistoryOf(start.Configuration.Get(WebOptions.CheckpointsHistory));
        await host.WriteStateAsync();
        _cleaner = null;
        await ForceFullSnapshotAfterForeignClaimAsync();
        await Cleaner.DeleteStrayCheckpointsAsync(State.Completed, State.NextCheckpointId, _pending.Contains);
        await Cleaner.DeleteSharedOrphansAsync(State.NextCheckpointId - 1, State.Completed);
        Begin(start);
    }

    public async Task SuspendAsync()
    {
        host.StopTicking();
        await AbortAllPendingAndCleanAsync("the job is restarting");
        State.Active = false;
        await host.WriteStateAsync();
    }

    public async Task ShutdownAsync(JobStatus finalStatus)
    {
        host.StopTicking();
        await AbortAllPendingAndCleanAsync($"the job is {finalStatus.ToFlinkName()}");
        if (State.FinalStatus is not null) return;
        State.Completed = await Cleaner.ShutdownAsync(Store().Shutdown(finalStatus), State.Completed, State.NextCheckpointId);
        State.FinalStatus = finalStatus;
        State.Active = false;
        _store = null;
        _cleaner = null;
        await host.WriteStateAsync();
    }

    public Task<long> TriggerCheckpointAsync() => TriggerAsync();

    public async Task AcknowledgeAsync(long attempt, long checkpointId, SubtaskSnapshot snapshot)
    {
        var subtask = new SubtaskId(snapshot.VertexUid, snapshot.SubtaskIndex);
        if (_pending.Of(checkpointId, attempt) is not { } pending)
        {
            // Late: the checkpoint was aborted, or belongs to an older attempt. What was written for it is garbage.
            if (!State.Completed.Any(c => c.CheckpointId == checkpointId)) await DeleteAbandonedAsync(checkpointId);
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
        await host.WriteStateAsync();
    }

    public Task ReportFinishedAsync(long attempt, SubtaskId subtask)
    {
        if (!State.Active || State.Job is not { } running || running.Attempt != attempt) return Task.CompletedTask;
        _finished.Add(subtask);
        foreach (var pending in _pending.All.Where(p => !p.Acknowledged.ContainsKey(subtask)))
        {
            _outbox.Trigger(subtask, attempt, _pending.BarrierOf(pending.CheckpointId));
        }
        return Task.CompletedTask;
    }

    public async Task TakeFinalCheckpointAsync(long attempt, SavepointTrigger? asSavepoint = null)
    {
        if (!State.Active || State.Job is not { } running || running.Attempt != attempt || State.FinalCheckpointFrom is not null) return;
        foreach (var subtask in running.AllSubtasks) _finished.Add(subtask);
        State.FinalCheckpointFrom = State.NextCheckpointId;
        State.FinalSavepoint = asSavepoint;
        await host.WriteStateAsync();
        // Now rather than at the next interval; if checkpoints are in flight, the timer triggers it when there is room.
        _decider?.DueNow(time.GetUtcNow());
        if (asSavepoint is not null) await TriggerSavepointAsync(asSavepoint);
        else if (_pending.Count < running.Configuration.Get(CheckpointingOptions.MaxConcurrent)) await TriggerAsync();
    }

    public async Task<long> TriggerSavepointAsync(SavepointTrigger trigger)
    {
        var running = Running;
        var id = State.NextCheckpointId++;
        var now = time.GetUtcNow();
        var properties = CheckpointProperties.ForSavepoint(forced: true, synchronous: trigger.Then != Savepoints.SavepointTermination.None);
        var pending = new PendingCheckpoint(id, running.Attempt, now, properties, running.AllSubtasks);
        var barrier = new CheckpointBarrier(id, now.ToUnixTimeMilliseconds(), IsSavepoint: true, trigger.Target,
            StopSources: trigger.Then == Savepoints.SavepointTermination.Stop);
        await BeginPendingAsync(running, pending, barrier, trigger);
        return id;
    }

    public async Task RegisterRestoredAsync(CompletedCheckpoint restored)
    {
        var subsumed = Store().Add(restored);
        State.Completed = Store().All.ToList();
        // Rebuilt with it when next needed (the job's checkpoint storage is known once its attempt starts).
        _cleaner?.ForgetSharedState();
        // NO_CLAIM: the job's checkpoints must not depend on the snapshot restored from (Flink forces a full checkpoint).
        State.ForceFullSnapshot = restored.Properties.Unclaimed;
        await host.WriteStateAsync();
        await Cleaner.DiscardAllAsync(subsumed, "subsumed", State.Completed);
    }

    public async Task ReportRestoredAsync(RestoreInfo restore)
    {
        State.Stats.ReportRestored(restore);
        // Checkpoint ids continue after the restored one (Flink resets the counter to restoredId + 1).
        State.NextCheckpointId = Math.Max(State.NextCheckpointId, restore.CheckpointId + 1);
        await host.WriteStateAsync();
    }

    private void Begin(CoordinatorStart start)
    {
        // First: a configuration the decider refuses must not leave the previous attempt's ticks running.
        host.StopTicking();
        _store = null;
        _cleaner = null;
        // The minimum pause counts from the last completion of this activation, across attempts.
        _decider = new CheckpointRequestDecider(start.Configuration, time.GetUtcNow()) { LastCompletion = _decider?.LastCompletion ?? DateTimeOffset.MinValue };
        host.StartTicking(start, _decider.Tick);
    }

    /// <summary>Expires overdue checkpoints and triggers the next one when the interval, min pause and max concurrent allow.</summary>
    public async Task OnTickAsync()
    {
        // The whole cluster stops: no checkpoint is triggered into tasks that are stopping with it.
        if (!State.Active || State.Job is not { } running || host.ClusterStopping) return;
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
        switch (_decider!.Decide(now, _pending.Count, State.FinalCheckpointFrom is not null, State.FinalSavepoint is not null))
        {
            case TriggerDecision.TriggerFinalSavepoint:
                await TriggerSavepointAsync(State.FinalSavepoint!);
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
        var id = State.NextCheckpointId++;
        var now = time.GetUtcNow();
        var properties = CheckpointProperties.ForCheckpoint(running.Configuration.Get(CheckpointingOptions.Retention));
        var pending = new PendingCheckpoint(id, running.Attempt, now, properties, running.AllSubtasks);
        var barrier = new CheckpointBarrier(id, now.ToUnixTimeMilliseconds(), IsSavepoint: false, FullSnapshot: State.ForceFullSnapshot);
        await BeginPendingAsync(running, pending, barrier, savepoint: null);
        return id;
    }

    /// <summary>Waits for <paramref name="pending"/> from now on and sends its barrier to the sources.</summary>
    private async Task BeginPendingAsync(CoordinatorStart running, PendingCheckpoint pending, CheckpointBarrier barrier, SavepointTrigger? savepoint)
    {
        _pending.Add(pending, barrier, savepoint);
        State.Stats.ReportPending(pending);
        await host.WriteStateAsync();
        if (savepoint is null) logger.LogTriggered(pending.CheckpointId, barrier.TimestampMs, JobId, barrier.FullSnapshot);
        else logger.LogSavepointTriggered(pending.CheckpointId, JobId, savepoint.Target.Location);
        // After every subtask finished (also after a reactivation, which forgot _finished) each is asked directly.
        foreach (var target in State.FinalCheckpointFrom is null ? running.Sources.Union(_finished) : running.AllSubtasks)
        {
            _outbox.Trigger(target, running.Attempt, barrier);
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
        var finalized = await CheckpointFinalizer.WriteMetadataAsync(JobId, pending, metadata, location, savepoint is null ? Cleaner : null, State.Completed);
        if (finalized.Failure is { } failure)
        {
            await FailAsync(pending, failure);
            return;
        }
        var completedBarrier = _pending.Remove(pending.CheckpointId)!.Value.Barrier;
        var completed = new CompletedCheckpoint(JobId, pending.CheckpointId, pending.TriggerTime, completion, pending.Properties,
            location.ExternalPath, location.DirectoryKey, pending.Acknowledged.Values.Sum(a => a.StateSize), location.Store.Location);
        var statistics = State.Stats.ReportCompleted(pending, completed);
        if (savepoint is not null)
        {
            await CompleteSavepointAsync(running, pending, savepoint, completed);
            return;
        }
        var subsumed = Store().Add(completed);
        State.Completed = Store().All.ToList();
        finalized.Shared!.Register(completed, metadata);
        // A full snapshot completed: later checkpoints may reuse its files.
        if (completedBarrier.FullSnapshot) State.ForceFullSnapshot = false;
        State.ConsecutiveFailures = 0;
        if (_decider is not null) _decider.LastCompletion = completion;
        // Older checkpoints still in flight can no longer matter (Flink subsumes them).
        foreach (var older in _pending.All.Where(p => p.CheckpointId < pending.CheckpointId)) await AbortAsync(older, "subsumed by a newer checkpoint");
        // Recorded before anything subsumed is deleted: a coordinator that dies in between leaves
        // stray files behind (removed when the next attempt starts), never a record of a checkpoint
        // whose files are gone.
        await host.WriteStateAsync();
        logger.LogCompleted(pending.CheckpointId, JobId, completed.StateSize, (long)statistics.EndToEndDuration!.Value.TotalMilliseconds, finalizeWatch.ElapsedMilliseconds);
        var notifications = _outbox.NotifyAllAsync(running.AllSubtasks, running.Attempt, pending.CheckpointId);
        // After the notifications went out: sinks commit without waiting for gigabytes to be deleted.
        await Cleaner.DiscardAllAsync(subsumed, "subsumed", State.Completed);
        // What checkpoints up to this one uploaded and no retained checkpoint references never completed (a
        // listing per checkpoint, so only for jobs with incremental state; attempts and the end sweep always).
        if (running.Configuration.Get(CheckpointingOptions.Incremental) || finalized.Shared.Registry.RegisteredFiles.Count > 0)
        {
            await Cleaner.DeleteSharedOrphansAsync(pending.CheckpointId, State.Completed);
        }
        if (FinalCheckpointCompleted() is { } final)
        {
            // The sinks commit their last output while handling the notification; only then may the job
            // finish, because FINISHED discards every checkpoint a later restore could commit it from.
            await notifications;
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
        await host.WriteStateAsync();
        logger.LogSavepointCompleted(pending.CheckpointId, JobId, (long)(completed.CompletionTime - pending.TriggerTime).TotalMilliseconds, completed.ExternalPath);
        var endsJob = savepoint.Then is Savepoints.SavepointTermination.Stop or Savepoints.SavepointTermination.StopAndDrain;
        if (endsJob)
        {
            await _outbox.NotifyAllAsync(running.AllSubtasks, running.Attempt, pending.CheckpointId);
        }
        _outbox.ReportToJobManager(master => master.SavepointCompletedAsync(running.Attempt, savepoint.TriggerId, completed.ExternalPath, pending.CheckpointId),
            pending.CheckpointId);
    }

    /// <summary>Where checkpoint <paramref name="checkpointId"/> is written: its savepoint directory, or <c>chk-n</c> in the job's checkpoint storage.</summary>
    private SnapshotLocation LocationOf(long checkpointId) =>
        _pending.SavepointOf(checkpointId) is { } savepoint ? Cleaner.SavepointLocation(savepoint.Target) : Cleaner.CheckpointLocation(checkpointId);

    private long? FinalCheckpointCompleted() =>
        State.FinalCheckpointFrom is { } from && State.FinalSavepoint is null
        && State.Completed.Select(c => c.CheckpointId).Where(id => id >= from).DefaultIfEmpty(-1).Max() is var id and >= 0
            ? id
            : null;

    private void ReportFinalCheckpoint(long attempt, long checkpointId) =>
        _outbox.ReportToJobManager(master => master.FinalCheckpointCompletedAsync(attempt, checkpointId), checkpointId);

    private async Task FailAsync(PendingCheckpoint pending, string reason)
    {
        var isSavepoint = _pending.SavepointOf(pending.CheckpointId) is not null;
        await AbortAsync(pending, reason);
        // As in Flink, failed savepoints do not count toward the tolerable checkpoint failures.
        if (isSavepoint) return;
        State.ConsecutiveFailures++;
        await host.WriteStateAsync();
        if (!State.Active || State.Job is not { } running) return;
        var tolerable = running.Configuration.Get(CheckpointingOptions.TolerableFailures);
        if (State.ConsecutiveFailures > tolerable)
        {
            var message = $"Exceeded checkpoint tolerable failure threshold ({tolerable}): {reason}";
            State.ConsecutiveFailures = 0;
            _outbox.ReportToJobManager(master => master.CheckpointFailureThresholdExceededAsync(running.Attempt, message), pending.CheckpointId);
        }
    }

    private async Task AbortAsync(PendingCheckpoint pending, string reason)
    {
        pending.Abort(reason);
        var location = LocationOf(pending.CheckpointId);
        var savepoint = _pending.Remove(pending.CheckpointId)?.Savepoint;
        State.Stats.ReportFailed(pending, reason, time.GetUtcNow());
        logger.LogAborted(pending.CheckpointId, JobId, (long)(time.GetUtcNow() - pending.TriggerTime).TotalMilliseconds, reason);
        // A deletion that fails is only logged: the failure counts all the same (tolerable-failed-checkpoints).
        await Cleaner.DeleteAbortedAsync(pending.CheckpointId, location);
        if (savepoint is not null && State.Job is { } running)
        {
            _outbox.ReportToJobManager(master => master.SavepointFailedAsync(running.Attempt, savepoint.TriggerId, reason), pending.CheckpointId);
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
        if (State.ForceFullSnapshot || State.Completed is not [{ DirectoryKey: "", Properties.Unclaimed: false } claimed]) return;
        if (!await Cleaner.ClaimedFromForeignStorageAsync(claimed, State.Completed)) return;
        State.ForceFullSnapshot = true;
        await host.WriteStateAsync();
    }

    /// <summary>Deletes what a late subtask wrote for a checkpoint that will never complete (and the job's folder once nothing of it is kept).</summary>
    private Task DeleteAbandonedAsync(long checkpointId) =>
        Cleaner.DeleteAbandonedAsync(checkpointId, jobEndedWithNothingKept: State.FinalStatus is not null && State.Completed.Count == 0);

    private CheckpointsCleaner Cleaner =>
        _cleaner ??= new CheckpointsCleaner(JobId, State.Job?.Configuration ?? GrainFlow.Configuration.GrainFlowConfiguration.Empty, stores, logger);

    private CompletedCheckpointStore Store()
    {
        if (_store is not null) return _store;
        var retained = State.Job?.Configuration.Get(CheckpointingOptions.NumRetained) ?? 1;
        return _store = new CompletedCheckpointStore(retained, State.Completed);
    }
}
