using GrainFlow.Checkpoints;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Configuration;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// Failures and restarts (Flink's failover): a subtask's failure is recorded and handled in a turn of its own, the
/// restart strategy decides between a restart and the end of the job, and a restart deploys a new attempt from the
/// newest intact retained checkpoint — waiting for the cluster when a silo cannot be reached.
/// </summary>
internal sealed partial class JobManagerGrain
{
    /// <summary>
    /// Records the failure durably and fails over in a turn of its own. The reporter may be a subtask
    /// whose silo shuts down, deactivating and waiting for this call; failing over cancels every
    /// subtask, the deactivating ones included, and they could answer only after their
    /// deactivation ended: handled inside this call, the two would wait for each other.
    /// </summary>
    public async Task SubtaskFailedAsync(long attempt, string vertexUid, int subtaskIndex, FailureCause cause)
    {
        if (attempt != Job.Attempt || Job.Status is not (JobStatus.Running or JobStatus.Created) || Job.FailoverPending) return;
        Job.Failure = cause;
        Job.FailoverPending = true;
        await record.WriteStateAsync();
        ScheduleFailover();
    }

    private void ScheduleFailover()
    {
        _failoverTimer?.Dispose();
        _failoverTimer = this.RegisterGrainTimer(_ => FailOverAsync(), new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
    }

    private async Task FailOverAsync()
    {
        _failoverTimer?.Dispose();
        _failoverTimer = null;
        if (!Job.FailoverPending || Job.Status is not (JobStatus.Running or JobStatus.Created)) return;
        await HandleFailureAsync(Job.Failure!);
    }

    public async Task CheckpointFailureThresholdExceededAsync(long attempt, string message)
    {
        if (attempt != Job.Attempt || Job.Status != JobStatus.Running) return;
        await HandleFailureAsync(new FailureCause("GrainFlow.CheckpointFailureException", message, message, "checkpoint coordinator", time.GetUtcNow()));
    }

    /// <summary>Restarts the job if the restart strategy allows, else fails it.</summary>
    private async Task HandleFailureAsync(FailureCause cause)
    {
        Job.Failure = cause;
        Job.FailoverPending = false;
        AbandonDrain(cause.Message);
        var now = time.GetUtcNow();
        if (cause.NonRecoverable)
        {
            LogJobFailedNonRecoverable(Job.JobId!.Value, cause.Origin, cause.ExceptionType, cause.Message);
            await TransitionAsync(JobStatus.Failing);
            await EndAsync(JobStatus.Failed);
            return;
        }
        var delay = RestartStrategyFor().OnFailure(now);
        Job.RestartFailures.Add(now);
        if (Job.RestartFailures.Count > JobRecord.MaxRestartFailures) Job.RestartFailures.RemoveRange(0, Job.RestartFailures.Count - JobRecord.MaxRestartFailures);
        if (delay is null)
        {
            LogJobFailed(Job.JobId!.Value, Job.Attempt, cause.Origin, cause.ExceptionType, cause.Message);
            await TransitionAsync(JobStatus.Failing);
            await EndAsync(JobStatus.Failed);
            return;
        }
        LogRestarting(Job.JobId!.Value, Job.Attempt, cause.Origin, cause.Message, Job.Attempt + 1, (long)delay.Value.TotalMilliseconds);
        Job.RestartAt = now + delay.Value;
        await TransitionAsync(JobStatus.Restarting);
        await CancelSubtasksAsync(jobEnds: false);
        try
        {
            await Coordinator.SuspendAsync();
        }
        catch (Exception e)
        {
            // Its silo may be the one that died. Nothing is lost: the coordinator ignores
            // acknowledgements of the failed attempt, and the restart starts it anew.
            LogCoordinatorUnreachable(e, Job.JobId!.Value);
        }
        ScheduleRestart(Job.Attempt, delay.Value);
    }

    private void ScheduleRestart(long failedAttempt, TimeSpan delay)
    {
        StopRestartTimer();
        _restartTimer = this.RegisterGrainTimer(_ => RestartAsync(failedAttempt), new GrainTimerCreationOptions { DueTime = delay, Period = Timeout.InfiniteTimeSpan });
    }

    /// <summary>A new attempt: every subtask from the latest completed checkpoint (or from nothing), sources from its offsets.</summary>
    private async Task RestartAsync(long failedAttempt)
    {
        StopRestartTimer();
        if (Job.Status != JobStatus.Restarting || Job.Attempt != failedAttempt) return;
        Job.Attempt++;
        Job.FinishedSubtasks.Clear();
        Job.FinalFigures.Clear();
        Job.RestartAt = null;
        try
        {
            var graph = BuildGraph(Job.JobId!.Value, Job.Submission!);
            var restoreStart = time.GetTimestamp();
            var (restore, skipped) = await PlanRestartStateAsync(graph);
            Job.StateOrigin = (restore is null
                ? $"restarted job {Job.JobId} (attempt {Job.Attempt}) without state: no checkpoint had completed"
                : await DescribeRestoreAsync(graph, restore)) + SkippedSnapshot.Describe(skipped);
            await record.WriteStateAsync();
            logger.LogStateOrigin(Job.StateOrigin);
            await DeployAttemptRestoringAsync(graph, restore, restoreStart);
            _unreachableSince = null;
            Job.VerifyEveryRestoredByte = false;
            await TransitionAsync(JobStatus.Running);
            if (restore is not null)
            {
                await Coordinator.ReportRestoredAsync(new RestoreInfo(restore.CheckpointId, restore.ExternalPath, false, time.GetUtcNow(), new Dictionary<string, long>(), skipped));
            }
            await StartCheckpointingAsync(graph);
        }
        catch (Exception e)
        {
            if (await TryDeferRestartAsync(e)) return;
            if (!Job.VerifyEveryRestoredByte && RestoreFoundDamage(e))
            {
                Job.VerifyEveryRestoredByte = true;
                LogRestoreFoundDamage(Job.JobId!.Value, Job.Attempt, e.Message);
            }
            await HandleFailureAsync(FailureCause.From(e, "restart"));
        }
    }

    /// <summary>
    /// A restart that cannot reach a silo waits for the cluster instead of counting as one more
    /// failure (as Flink waits for slots rather than failing again). Until the cluster declares a
    /// crashed silo dead, calls to the activations it held fail or hang whatever the strategy
    /// does; afterwards they reach fresh activations elsewhere. Past <c>heartbeat.timeout</c> the
    /// restart strategy decides after all.
    /// </summary>
    private async Task<bool> TryDeferRestartAsync(Exception exception)
    {
        if (Job.Status != JobStatus.Restarting || !IsSiloUnavailable(exception)) return false;
        var now = time.GetUtcNow();
        _unreachableSince ??= now;
        var configuration = catalog.ConfigurationFor(Job.Submission!.Configuration);
        if (now - _unreachableSince.Value > configuration.Get(HeartbeatOptions.Timeout)) return false;
        var retry = configuration.Get(HeartbeatOptions.Interval);
        LogRestartDeferred(Job.JobId!.Value, Job.Attempt, exception.Message, (long)retry.TotalMilliseconds);
        await CancelSubtasksAsync(jobEnds: false); // the subtasks this attempt already reached
        Job.RestartAt = now + retry;
        await record.WriteStateAsync();
        ScheduleRestart(Job.Attempt, retry);
        return true;
    }

    private static bool IsSiloUnavailable(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            // A call that hangs on a crashed silo (or on a grain whose directory entry it held) ends in a response timeout.
            if (e is SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException) return true;
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: attempt {Attempt} failed in {Origin} and the restart strategy allows no restart; the job fails: {ExceptionType}: {Message}")]
    private partial void LogJobFailed(JobId jobId, long attempt, string origin, string exceptionType, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed in {Origin} without a restart, because no restart can fix it: {ExceptionType}: {Message}")]
    private partial void LogJobFailedNonRecoverable(JobId jobId, string origin, string exceptionType, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: attempt {Attempt} failed in {Origin} ({Message}); restarting as attempt {NextAttempt} in {DelayMs} ms")]
    private partial void LogRestarting(JobId jobId, long attempt, string origin, string message, long nextAttempt, long delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: attempt {Attempt} could not reach a silo ({Message}); waiting for the cluster, next try in {DelayMs} ms")]
    private partial void LogRestartDeferred(JobId jobId, long attempt, string message, long delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the checkpoint coordinator could not be suspended")]
    private partial void LogCoordinatorUnreachable(Exception exception, JobId jobId);
}
