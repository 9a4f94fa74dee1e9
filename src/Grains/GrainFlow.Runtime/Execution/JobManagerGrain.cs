using GrainFlow.Checkpoints;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Diagnostics;
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
/// <para>
/// Failures nobody reports — a silo that dies takes its activations silently — are found by
/// heartbeats (Flink's <c>heartbeat.*</c>): while the job runs, a timer asks every subtask which
/// attempt it runs. A subtask lost with its silo answers from a fresh, undeployed activation, which
/// fails the job over through the restart strategy as a reported failure would. The job manager
/// itself can die with its silo: its record is persisted, every silo's <see cref="SiloLossWatcher"/>
/// wakes the job managers of unfinished jobs when a silo is declared dead, and a reactivated job
/// manager resumes whatever its record says it was doing.
/// </para>
/// </summary>
internal sealed partial class JobManagerGrain(
    [PersistentState("job", GrainFlowStorage.ProviderName)] IPersistentState<JobRecord> record,
    JobCatalog catalog,
    GrainFlowStores stores,
    TimeProvider time,
    MetricRegistry metrics,
    ILogger<JobManagerGrain> logger) : Grain, IJobMasterGrain
{
    private readonly TaskCompletionSource<JobStatus> _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RestartStrategy? _restartStrategy;
    // numRestarts, uptime and lastCheckpointRestoreTimestamp for the metric exporters, while this activation runs.
    private JobMetricGroup? _figures;
    private IGrainTimer? _restartTimer;
    private IGrainTimer? _heartbeatTimer;
    private IGrainTimer? _resumeTimer;
    private IGrainTimer? _failoverTimer;
    private SubtaskHeartbeats? _heartbeats;
    private TimeSpan _probeTimeout = MinProbeTimeout;
    // Since when restarts have found a silo unreachable (null: the last restart reached every subtask).
    private DateTimeOffset? _unreachableSince;

    /// <summary>Answers to heartbeats may take this long on a busy silo before a round counts them as missing.</summary>
    private static readonly TimeSpan MinProbeTimeout = TimeSpan.FromSeconds(1);

    private JobRecord Job => record.State;

    private ICheckpointCoordinatorGrain Coordinator => GrainFactory.GetGrain<ICheckpointCoordinatorGrain>(Job.JobId!.Value.Value);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!record.RecordExists) return Task.CompletedTask;
        if (Job.Status.IsTerminal())
        {
            _terminated.TrySetResult(Job.Status);
            return Task.CompletedTask;
        }
        // Only a job that is not over publishes figures again (an old job's activation answering a status query does not).
        UpdateFigures();
        // A job that is not over, yet its job manager activates: the previous activation went away
        // (its silo died or left). Resume outside activation, so whoever called us is not held up.
        var found = (Job.Status, Job.Attempt);
        _resumeTimer = this.RegisterGrainTimer(_ => ResumeAsync(found), new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
        return Task.CompletedTask;
    }

    /// <summary>Picks up what the lost activation was doing, as its persisted record tells.</summary>
    private async Task ResumeAsync((JobStatus Status, long Attempt) found)
    {
        _resumeTimer?.Dispose();
        _resumeTimer = null;
        // The call that reactivated us may have moved the job on already (e.g. a reported failure): then it is in hand.
        if ((Job.Status, Job.Attempt) != found)
        {
            if (Job.Status == JobStatus.Running) StartHeartbeats();
            return;
        }
        logger.LogResuming(Job.JobId!.Value, Job.Status.ToFlinkName(), Job.Attempt);
        switch (Job.Status)
        {
            case JobStatus.Running:
                StartHeartbeats();
                if (Job.FailoverPending) await FailOverAsync();
                break;
            case JobStatus.Restarting:
                // The restart timer died with the activation; keep the delay the strategy chose.
                var due = Job.RestartAt is { } at && at > time.GetUtcNow() ? at - time.GetUtcNow() : TimeSpan.Zero;
                ScheduleRestart(Job.Attempt, due);
                break;
            case JobStatus.Created:
                // The deployment of the first attempt was cut off halfway: some subtasks may run it.
                await HandleFailureAsync(new FailureCause("GrainFlow.JobManagerLostException",
                    $"The job manager of job {Job.JobId} was lost while deploying attempt {Job.Attempt}.", $"The job manager of job {Job.JobId} was lost while deploying attempt {Job.Attempt}.", "job manager", time.GetUtcNow()));
                break;
            case JobStatus.Cancelling:
                await EndAsync(JobStatus.Canceled);
                break;
            case JobStatus.Failing:
                await EndAsync(JobStatus.Failed);
                break;
        }
    }

    public async Task StartAsync(JobSubmission submission)
    {
        if (record.RecordExists) throw new JobConfigurationException($"Job {this.GetPrimaryKeyString()} was already started.");
        var started = time.GetTimestamp();
        var jobId = JobId.Parse(this.GetPrimaryKeyString());
        var planned = catalog.Plan(jobId, submission);
        var initial = await PlanInitialStateAsync(jobId, planned.Submission, planned.Graph);
        (submission, var graph) = (initial.Submission, initial.Graph);
        foreach (var warning in planned.Warnings) logger.LogJobWarning(jobId, warning);

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
            Vertices = graph.Vertices.Select(v => new VertexDetails(v.Uid, v.Name, v.Parallelism, v.Chain.Select(n => n.Uid).ToList(), 0,
                v.Inputs.Select(e => new VertexInput(e.Source.Uid, e.Partitioning.ToString().ToUpperInvariant())).ToList())).ToList(),
            Warnings = planned.Warnings.ToList(),
            CheckpointingEnabled = CheckpointingEnabled(graph),
            StateOrigin = initial.Origin,
        };
        Job.Timestamps[JobStatus.Created] = now;
        await record.WriteStateAsync();
        await PublishAsync();
        logger.LogSubmitted(jobId, submission.JobName, graph.Vertices.Count, graph.MaxParallelism);
        logger.LogStateOrigin(Job.StateOrigin);

        if (initial.Registered is { } restored)
        {
            // Before anything runs: a failover before the first new checkpoint restores from this snapshot too.
            await Coordinator.RegisterRestoredAsync(restored);
            await Coordinator.ReportRestoredAsync(new RestoreInfo(restored.CheckpointId, restored.ExternalPath, initial.Restore!.IsSavepoint, now, new Dictionary<string, long>(), initial.Skipped));
        }
        try
        {
            await DeployAttemptRestoringAsync(graph, initial.Restore, started);
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
            vertices, Job.Failure, new Dictionary<JobStatus, DateTimeOffset>(Job.Timestamps), Job.Attempt, Job.StateOrigin, Job.Warnings.ToList()));
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

    public Task<IReadOnlyDictionary<string, string>> GetConfigurationAsync()
    {
        if (!record.RecordExists) throw new JobNotFoundException(JobId.Parse(this.GetPrimaryKeyString()));
        return Task.FromResult(BuildGraph(Job.JobId!.Value, Job.Submission!).Configuration.Values);
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

    public async Task SubtaskFinishedAsync(long attempt, string vertexUid, int subtaskIndex, SubtaskMetrics figures)
    {
        if (attempt != Job.Attempt || Job.Status != JobStatus.Running || Job.FailoverPending) return;
        if (!Job.FinishedSubtasks.Add($"{vertexUid}/{subtaskIndex}")) return;
        Job.FinalFigures[FiguresKey(vertexUid, subtaskIndex)] = figures;
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
        if (attempt != Job.Attempt || Job.Status != JobStatus.Running || Job.FailoverPending || !AllSubtasksFinished) return;
        logger.LogFinishedAfterFinalCheckpoint(Job.JobId!.Value, checkpointId);
        await EndAsync(JobStatus.Finished);
    }

    private bool AllSubtasksFinished => Job.FinishedSubtasks.Count >= Job.Vertices.Sum(v => v.Parallelism);

    public async Task CheckSubtasksAsync()
    {
        // Activation already resumed anything but RUNNING; a running job checks its subtasks now
        // instead of at the next heartbeat.
        if (!record.RecordExists || Job.Status != JobStatus.Running) return;
        StartHeartbeats();
        await HeartbeatAsync();
    }

    private async Task<string> DescribeRestoreAsync(JobGraph graph, RestorePoint restore)
    {
        var storage = CheckpointStorage.For(graph.Configuration, stores);
        var stored = await storage.StoreFor(restore.StoreLocation, graph.Configuration).GetAsync(restore.DirectoryKey + CheckpointLayout.MetadataFileName);
        var metadata = stored is null ? null : CheckpointMetadata.FromBytes(stored.Data, restore.ExternalPath);
        return $"restored job {Job.JobId} (attempt {Job.Attempt}) from {RestoredSnapshotKind.ForRestart(Job.JobId!.Value, restore.CheckpointId, metadata)} "
            + $"at {restore.ExternalPath}, source offsets {SourceOffsetsText(graph, metadata)}";
    }

    /// <summary>Where the sources resume, as "split=offset, …" (what a user compares with the input they published).</summary>
    private static string SourceOffsetsText(JobGraph graph, CheckpointMetadata? metadata)
    {
        var offsets = metadata is null
            ? ""
            : string.Join(", ", graph.SourceVertices.SelectMany(v => metadata.OperatorSnapshots(v.Uid))
                .SelectMany(o => o.SourceOffsets ?? new Dictionary<string, long>())
                .OrderBy(o => o.Key, StringComparer.Ordinal)
                .Select(o => $"{o.Key}={o.Value}"));
        return offsets.Length == 0 ? "(none)" : offsets;
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
            await CancelSubtasksAsync(jobEnds: true);
            await KeepFinalFiguresAsync();
            await Coordinator.ShutdownAsync(status);
        }
        catch (Exception e)
        {
            logger.LogCheckpointCleanupFailed(e, Job.JobId!.Value);
        }
        await TransitionAsync(status);
    }

    private JobGraph BuildGraph(JobId jobId, JobSubmission submission) =>
        catalog.BuildGraph(jobId, submission.JobName, catalog.ConfigurationFor(submission.Configuration), submission.Parallelism);

    private static bool CheckpointingEnabled(JobGraph graph) =>
        CheckpointingOptions.IsEnabled(graph.Configuration);

    /// <summary>The job's restart strategy, told about the failures an earlier activation already counted.</summary>
    private RestartStrategy RestartStrategyFor()
    {
        if (_restartStrategy is not null) return _restartStrategy;
        _restartStrategy = RestartStrategy.From(catalog.ConfigurationFor(Job.Submission!.Configuration), Job.CheckpointingEnabled);
        foreach (var failure in Job.RestartFailures) _restartStrategy.OnFailure(failure);
        return _restartStrategy;
    }

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

    /// <param name="jobEnds">The job ends rather than restarting: the subtasks also release the job's local state on their silos.</param>
    private async Task CancelSubtasksAsync(bool jobEnds)
    {
        var attempt = Job.Attempt;
        var calls = Job.Vertices.SelectMany(v => Enumerable.Range(0, v.Parallelism)
            .Select(i => GrainFactory.GetGrain<ISubtaskGrain>(SubtaskKey.Of(Job.JobId!.Value, v.Uid, i)).CancelAsync(attempt, jobEnds)));
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception e)
        {
            // A subtask whose silo is gone cannot be reached; it holds nothing that must be released.
            logger.LogCancelIncomplete(e, Job.JobId!.Value);
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
        if (status.IsTerminal())
        {
            Job.EndTime = now;
            Job.RestartAt = null;
            Job.FailoverPending = false;
            StopHeartbeats();
        }
        if (status == JobStatus.Running) StartHeartbeats();
        UpdateFigures();
        await record.WriteStateAsync();
        logger.LogStatus(Job.JobId!.Value, Job.Name, status.ToFlinkName());
        await PublishAsync();
        if (status.IsTerminal()) _terminated.TrySetResult(status);
    }

    /// <summary>Brings the job's figures for the metric exporters in line with its record (registering them on first use).</summary>
    private void UpdateFigures()
    {
        if (_figures is null)
        {
            _figures = new JobMetricGroup(Job.JobId!.Value.Value, Job.Name);
            metrics.Register(GrainContext, _figures);
        }
        _figures.SetRestarts(Job.Attempt - 1);
        if (Job.Status == JobStatus.Running) _figures.SetRunning();
        else _figures.SetNotRunning(Job.Status.IsTerminal());
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
            logger.LogRegistryUpdateFailed(e, Job.JobId!.Value);
        }
    }

    private void StopRestartTimer()
    {
        _restartTimer?.Dispose();
        _restartTimer = null;
    }

}
