using GrainFlow.Checkpoints;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Runtime.Recovery;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// The job manager of one job (key: job id): plans the job graph, deploys and starts the subtask
/// grains of an attempt, follows their reports and moves the job through Flink's statuses. On a
/// failure it asks the restart strategy, and restarts every subtask from the latest completed
/// checkpoint with a new attempt number (the epoch that makes stale messages of the old attempt
/// harmless).
/// </summary>
internal sealed partial class JobManagerGrain(
    [PersistentState("job", GrainFlowStorage.ProviderName)] IPersistentState<JobRecord> record,
    JobCatalog catalog,
    GrainFlowStores stores,
    TimeProvider time,
    ILogger<JobManagerGrain> logger) : Grain, IJobMasterGrain
{
    private readonly TaskCompletionSource<JobStatus> _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RestartStrategy? _restartStrategy;
    private IGrainTimer? _restartTimer;

    private JobRecord Job => record.State;

    private ICheckpointCoordinatorGrain Coordinator => GrainFactory.GetGrain<ICheckpointCoordinatorGrain>(Job.JobId!.Value.Value);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (record.RecordExists && Job.Status.IsTerminal()) _terminated.TrySetResult(Job.Status);
        return Task.CompletedTask;
    }

    public async Task StartAsync(JobSubmission submission)
    {
        if (record.RecordExists) throw new JobConfigurationException($"Job {this.GetPrimaryKeyString()} was already started.");
        var jobId = JobId.Parse(this.GetPrimaryKeyString());
        var initial = await PlanInitialStateAsync(jobId, submission, BuildGraph(jobId, submission));
        (submission, var graph) = (initial.Submission, initial.Graph);
        foreach (var warning in graph.Warnings) LogWarning(jobId, warning);

        var now = time.GetUtcNow();
        record.State = new JobRecord
        {
            JobId = jobId,
            Name = submission.JobName,
            Submission = submission,
            Status = JobStatus.Created,
            StartTime = now,
            Attempt = 1,
            MaxParallelism = graph.MaxParallelism,
            Vertices = graph.Vertices.Select(v => new VertexDetails(v.Uid, v.Name, v.Parallelism, v.Chain.Select(n => n.Uid).ToList(), 0)).ToList(),
            Warnings = graph.Warnings.ToList(),
            CheckpointingEnabled = CheckpointingEnabled(graph),
            StateOrigin = initial.Origin,
        };
        Job.Timestamps[JobStatus.Created] = now;
        await record.WriteStateAsync();
        await PublishAsync();
        LogSubmitted(jobId, submission.JobName, graph.Vertices.Count, graph.MaxParallelism);
        LogStateOrigin(Job.StateOrigin);

        if (initial.Registered is { } restored)
        {
            // Before anything runs: a failover before the first new checkpoint restores from this snapshot too.
            await Coordinator.RegisterRestoredAsync(restored);
            await Coordinator.ReportRestoredAsync(new RestoreInfo(restored.CheckpointId, restored.ExternalPath, initial.Restore!.IsSavepoint, now, new Dictionary<string, long>()));
        }
        try
        {
            await DeployAttemptAsync(graph, initial.Restore);
        }
        catch (Exception e)
        {
            await HandleFailureAsync(FailureCause.From(e, "deployment"));
            return;
        }
        if (Job.Status == JobStatus.Created) await TransitionAsync(JobStatus.Running);
        await StartCheckpointingAsync(graph);
    }

    public Task<JobDetails> GetDetailsAsync()
    {
        if (!record.RecordExists) throw new JobNotFoundException(JobId.Parse(this.GetPrimaryKeyString()));
        var finished = Job.FinishedSubtasks.GroupBy(s => s[..s.LastIndexOf('/')]).ToDictionary(g => g.Key, g => g.Count());
        var vertices = Job.Vertices.Select(v => v with { FinishedSubtasks = finished.GetValueOrDefault(v.Uid) }).ToList();
        return Task.FromResult(new JobDetails(Job.JobId!.Value, Job.Name, Job.Status, Job.StartTime, Job.EndTime, Job.MaxParallelism,
            vertices, Job.Failure, new Dictionary<JobStatus, DateTimeOffset>(Job.Timestamps), Job.Attempt, Job.StateOrigin));
    }

    public async Task<JobStatus> CancelAsync()
    {
        if (!record.RecordExists) throw new JobNotFoundException(JobId.Parse(this.GetPrimaryKeyString()));
        if (Job.Status.IsTerminal()) return Job.Status;
        StopRestartTimer();
        await TransitionAsync(JobStatus.Cancelling);
        await EndAsync(JobStatus.Canceled);
        return Job.Status;
    }

    public async Task<long> TriggerCheckpointAsync()
    {
        if (!record.RecordExists) throw new JobNotFoundException(JobId.Parse(this.GetPrimaryKeyString()));
        if (Job.Status != JobStatus.Running) throw new GrainFlowException($"Job {Job.JobId} is {Job.Status.ToFlinkName()}; only a RUNNING job can take a checkpoint.");
        if (!Job.CheckpointingEnabled)
        {
            throw new GrainFlowException($"Job {Job.JobId} runs without checkpoints; start it with execution.checkpointing.interval set to take them.");
        }
        return await Coordinator.TriggerCheckpointAsync();
    }

    public async Task<CheckpointStatsSnapshot> GetCheckpointStatsAsync()
    {
        if (!record.RecordExists) throw new JobNotFoundException(JobId.Parse(this.GetPrimaryKeyString()));
        return await Coordinator.GetStatsAsync();
    }

    public async Task<JobStatus> WaitForTerminationAsync(TimeSpan timeout)
    {
        if (!record.RecordExists) throw new JobNotFoundException(JobId.Parse(this.GetPrimaryKeyString()));
        await Task.WhenAny(_terminated.Task, Task.Delay(timeout, time));
        return Job.Status;
    }

    public async Task SubtaskFinishedAsync(long attempt, string vertexUid, int subtaskIndex)
    {
        if (attempt != Job.Attempt || Job.Status != JobStatus.Running) return;
        if (!Job.FinishedSubtasks.Add($"{vertexUid}/{subtaskIndex}")) return;
        await Coordinator.ReportFinishedAsync(attempt, new SubtaskId(vertexUid, subtaskIndex));
        await record.WriteStateAsync();
        if (!AllSubtasksFinished) return;
        if (Job.PendingDrain is { } drain)
        {
            // Stop with drain: every operator saw the end of its input; the final snapshot is the savepoint.
            await Coordinator.TakeFinalCheckpointAsync(attempt, drain);
            return;
        }
        // With checkpoints, a final one lets the sinks commit their last output before FINISHED (Flink's final checkpoint).
        if (Job.CheckpointingEnabled) await Coordinator.TakeFinalCheckpointAsync(attempt);
        else await EndAsync(JobStatus.Finished);
    }

    public async Task FinalCheckpointCompletedAsync(long attempt, long checkpointId)
    {
        if (attempt != Job.Attempt || Job.Status != JobStatus.Running || !AllSubtasksFinished) return;
        LogFinishedAfterFinalCheckpoint(Job.JobId!.Value, checkpointId);
        await EndAsync(JobStatus.Finished);
    }

    private bool AllSubtasksFinished => Job.FinishedSubtasks.Count >= Job.Vertices.Sum(v => v.Parallelism);

    public async Task SubtaskFailedAsync(long attempt, string vertexUid, int subtaskIndex, FailureCause cause)
    {
        if (attempt != Job.Attempt || Job.Status is not (JobStatus.Running or JobStatus.Created)) return;
        await HandleFailureAsync(cause);
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
        AbandonDrain(cause.Message);
        var delay = RestartStrategyFor().OnFailure(time.GetUtcNow());
        if (delay is null)
        {
            LogJobFailed(Job.JobId!.Value, cause.Origin, cause.ExceptionType, cause.Message);
            await TransitionAsync(JobStatus.Failing);
            await EndAsync(JobStatus.Failed);
            return;
        }
        LogRestarting(Job.JobId!.Value, cause.Origin, cause.Message, (long)delay.Value.TotalMilliseconds);
        await TransitionAsync(JobStatus.Restarting);
        await CancelSubtasksAsync();
        await Coordinator.SuspendAsync();
        var attempt = Job.Attempt;
        StopRestartTimer();
        _restartTimer = this.RegisterGrainTimer(_ => RestartAsync(attempt), new GrainTimerCreationOptions { DueTime = delay.Value, Period = Timeout.InfiniteTimeSpan });
    }

    /// <summary>A new attempt: every subtask from the latest completed checkpoint (or from nothing), sources from its offsets.</summary>
    private async Task RestartAsync(long failedAttempt)
    {
        StopRestartTimer();
        if (Job.Status != JobStatus.Restarting || Job.Attempt != failedAttempt) return;
        Job.Attempt++;
        Job.FinishedSubtasks.Clear();
        try
        {
            var graph = BuildGraph(Job.JobId!.Value, Job.Submission!);
            var latest = await Coordinator.GetLatestCompletedAsync();
            RestorePoint? restore = latest is null ? null
                : new RestorePoint(latest.CheckpointId, latest.DirectoryKey, latest.ExternalPath, latest.StorageLocation, latest.Properties.IsSavepoint);
            Job.StateOrigin = restore is null
                ? $"restarted job {Job.JobId} (attempt {Job.Attempt}) without state: no checkpoint had completed"
                : await DescribeRestoreAsync(graph, restore);
            await record.WriteStateAsync();
            LogStateOrigin(Job.StateOrigin);
            await DeployAttemptAsync(graph, restore);
            await TransitionAsync(JobStatus.Running);
            if (restore is not null)
            {
                await Coordinator.ReportRestoredAsync(new RestoreInfo(restore.CheckpointId, restore.ExternalPath, false, time.GetUtcNow(), new Dictionary<string, long>()));
            }
            await StartCheckpointingAsync(graph);
        }
        catch (Exception e)
        {
            await HandleFailureAsync(FailureCause.From(e, "restart"));
        }
    }

    private async Task<string> DescribeRestoreAsync(JobGraph graph, RestorePoint restore)
    {
        var storage = CheckpointStorage.For(graph.Configuration, stores);
        var stored = await storage.StoreFor(restore.StoreLocation, graph.Configuration).GetAsync(restore.DirectoryKey + CheckpointLayout.MetadataFileName);
        var offsets = stored is null
            ? ""
            : string.Join(", ", graph.SourceVertices.SelectMany(v => CheckpointMetadata.FromBytes(stored.Data, restore.ExternalPath).OperatorSnapshots(v.Uid))
                .SelectMany(o => o.SourceOffsets ?? new Dictionary<string, long>())
                .OrderBy(o => o.Key, StringComparer.Ordinal)
                .Select(o => $"{o.Key}={o.Value}"));
        return $"restored job {Job.JobId} (attempt {Job.Attempt}) from {(restore.IsSavepoint ? "savepoint" : "checkpoint")} {restore.CheckpointId} at {restore.ExternalPath}, source offsets {(offsets.Length == 0 ? "(none)" : offsets)}";
    }

    private async Task StartCheckpointingAsync(JobGraph graph)
    {
        if (Job.Status != JobStatus.Running) return;
        var subtasks = graph.Vertices.SelectMany(v => Enumerable.Range(0, v.Parallelism).Select(i => new SubtaskId(v.Uid, i))).ToList();
        var sources = graph.SourceVertices.SelectMany(v => Enumerable.Range(0, v.Parallelism).Select(i => new SubtaskId(v.Uid, i))).ToList();
        await Coordinator.StartAsync(new CoordinatorStart(Job.Name, Job.Attempt, graph.Configuration, graph.MaxParallelism, sources, subtasks,
            graph.Vertices.ToDictionary(v => v.Uid, v => v.Parallelism)));
    }

    /// <summary>
    /// Ends the job in this order: no new checkpoints; subtasks released (each waits for its snapshot
    /// writes in flight); the retention policy applied; then the terminal status — so whoever sees
    /// the status also sees its checkpoints kept or gone.
    /// </summary>
    private async Task EndAsync(JobStatus status)
    {
        try
        {
            await Coordinator.SuspendAsync();
            await CancelSubtasksAsync();
            await Coordinator.ShutdownAsync(status);
        }
        catch (Exception e)
        {
            LogCheckpointCleanupFailed(e, Job.JobId!.Value);
        }
        await TransitionAsync(status);
    }

    private JobGraph BuildGraph(JobId jobId, JobSubmission submission) =>
        catalog.BuildGraph(jobId, submission.JobName, catalog.ConfigurationFor(submission.Configuration), submission.Parallelism);

    private static bool CheckpointingEnabled(JobGraph graph) =>
        CheckpointingOptions.IsEnabled(graph.Configuration);

    private RestartStrategy RestartStrategyFor() =>
        _restartStrategy ??= RestartStrategy.From(catalog.ConfigurationFor(Job.Submission!.Configuration), Job.CheckpointingEnabled);

    private async Task DeployAttemptAsync(JobGraph graph, RestorePoint? restore)
    {
        var submission = Job.Submission!;
        var subtasks = AllSubtasks(graph).ToList();
        // Consumers first, so that no record reaches a subtask that does not know the attempt yet.
        var configuration = catalog.ConfigurationFor(submission.Configuration);
        await Task.WhenAll(subtasks.OrderByDescending(s => s.Vertex.Index).Select(s => s.Grain.DeployAsync(
            new TaskDeployment(Job.JobId!.Value, submission.JobName, Job.Attempt, configuration, submission.Parallelism, s.Vertex.Uid, s.Index, restore))));
        await Task.WhenAll(subtasks.Select(s => s.Grain.StartAsync(Job.Attempt)));
    }

    private async Task CancelSubtasksAsync()
    {
        var attempt = Job.Attempt;
        var calls = Job.Vertices.SelectMany(v => Enumerable.Range(0, v.Parallelism)
            .Select(i => GrainFactory.GetGrain<ISubtaskGrain>(SubtaskKey.Of(Job.JobId!.Value, v.Uid, i)).CancelAsync(attempt)));
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception e)
        {
            // A subtask whose silo is gone cannot be reached; it holds nothing that must be released.
            LogCancelIncomplete(e, Job.JobId!.Value);
        }
    }

    private IEnumerable<(JobVertex Vertex, int Index, ISubtaskGrain Grain)> AllSubtasks(JobGraph graph) =>
        graph.Vertices.SelectMany(v => Enumerable.Range(0, v.Parallelism)
            .Select(i => (v, i, GrainFactory.GetGrain<ISubtaskGrain>(SubtaskKey.Of(Job.JobId!.Value, v.Uid, i)))));

    private async Task TransitionAsync(JobStatus status)
    {
        var now = time.GetUtcNow();
        Job.Status = status;
        Job.Timestamps[status] = now;
        if (status.IsTerminal()) Job.EndTime = now;
        await record.WriteStateAsync();
        LogStatus(Job.JobId!.Value, Job.Name, status.ToFlinkName());
        await PublishAsync();
        if (status.IsTerminal()) _terminated.TrySetResult(status);
    }

    private async Task PublishAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey)
                .UpdateAsync(new JobSummary(Job.JobId!.Value, Job.Name, Job.Status, Job.StartTime, Job.EndTime));
        }
        catch (Exception e)
        {
            // The job record is the truth; the registry catches up on the next change.
            LogRegistryUpdateFailed(e, Job.JobId!.Value);
        }
    }

    private void StopRestartTimer()
    {
        _restartTimer?.Dispose();
        _restartTimer = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({JobName}) switched to {Status}")]
    private partial void LogStatus(JobId jobId, string jobName, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({JobName}) submitted: {Vertices} vertices, max parallelism {MaxParallelism}")]
    private partial void LogSubmitted(JobId jobId, string jobName, int vertices, int maxParallelism);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: every subtask finished and final checkpoint {CheckpointId} completed; sinks committed their last output")]
    private partial void LogFinishedAfterFinalCheckpoint(JobId jobId, long checkpointId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{StateOrigin}")]
    private partial void LogStateOrigin(string stateOrigin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: {Warning}")]
    private partial void LogWarning(JobId jobId, string warning);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed in {Origin}: {ExceptionType}: {Message}")]
    private partial void LogJobFailed(JobId jobId, string origin, string exceptionType, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: {Origin} failed ({Message}); restarting in {DelayMs} ms")]
    private partial void LogRestarting(JobId jobId, string origin, string message, long delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: not every subtask could be reached to cancel it")]
    private partial void LogCancelIncomplete(Exception exception, JobId jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the job registry could not be updated")]
    private partial void LogRegistryUpdateFailed(Exception exception, JobId jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: applying the checkpoint retention policy failed")]
    private partial void LogCheckpointCleanupFailed(Exception exception, JobId jobId);
}
