using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Graph;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// The job manager of one job (key: job id): plans the job graph, deploys and starts the subtask
/// grains of an attempt, follows their reports and moves the job through Flink's statuses.
/// </summary>
internal sealed partial class JobManagerGrain(
    [PersistentState("job", GrainFlowStorage.ProviderName)] IPersistentState<JobRecord> record,
    JobCatalog catalog,
    TimeProvider time,
    ILogger<JobManagerGrain> logger) : Grain, IJobMasterGrain
{
    private readonly TaskCompletionSource<JobStatus> _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private JobRecord Job => record.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (record.RecordExists && Job.Status.IsTerminal()) _terminated.TrySetResult(Job.Status);
        return Task.CompletedTask;
    }

    public async Task StartAsync(JobSubmission submission)
    {
        if (record.RecordExists) throw new JobConfigurationException($"Job {this.GetPrimaryKeyString()} was already started.");
        var jobId = JobId.Parse(this.GetPrimaryKeyString());
        var configuration = catalog.ConfigurationFor(submission.Configuration);
        var graph = catalog.BuildGraph(jobId, submission.JobName, configuration, submission.Parallelism);
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
        };
        Job.Timestamps[JobStatus.Created] = now;
        await record.WriteStateAsync();
        await PublishAsync();
        LogSubmitted(jobId, submission.JobName, graph.Vertices.Count, graph.MaxParallelism);

        try
        {
            await DeployAttemptAsync(graph, configuration);
        }
        catch (Exception e)
        {
            await FailAsync(FailureCause.From(e, "deployment"));
            return;
        }
        if (Job.Status == JobStatus.Created) await TransitionAsync(JobStatus.Running);
    }

    public Task<JobDetails> GetDetailsAsync()
    {
        if (!record.RecordExists) throw new JobNotFoundException(JobId.Parse(this.GetPrimaryKeyString()));
        var finished = Job.FinishedSubtasks.GroupBy(s => s[..s.LastIndexOf('/')]).ToDictionary(g => g.Key, g => g.Count());
        var vertices = Job.Vertices.Select(v => v with { FinishedSubtasks = finished.GetValueOrDefault(v.Uid) }).ToList();
        return Task.FromResult(new JobDetails(Job.JobId!.Value, Job.Name, Job.Status, Job.StartTime, Job.EndTime, Job.MaxParallelism,
            vertices, Job.Failure, new Dictionary<JobStatus, DateTimeOffset>(Job.Timestamps), Job.Attempt));
    }

    public async Task<JobStatus> CancelAsync()
    {
        if (!record.RecordExists) throw new JobNotFoundException(JobId.Parse(this.GetPrimaryKeyString()));
        if (Job.Status.IsTerminal()) return Job.Status;
        await TransitionAsync(JobStatus.Cancelling);
        await CancelSubtasksAsync();
        await TransitionAsync(JobStatus.Canceled);
        return Job.Status;
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
        var total = Job.Vertices.Sum(v => v.Parallelism);
        if (Job.FinishedSubtasks.Count < total)
        {
            await record.WriteStateAsync();
            return;
        }
        await TransitionAsync(JobStatus.Finished);
    }

    public async Task SubtaskFailedAsync(long attempt, string vertexUid, int subtaskIndex, FailureCause cause)
    {
        if (attempt != Job.Attempt || Job.Status is not (JobStatus.Running or JobStatus.Created)) return;
        await FailAsync(cause);
    }

    private async Task FailAsync(FailureCause cause)
    {
        LogJobFailed(Job.JobId!.Value, cause.Origin, cause.ExceptionType, cause.Message);
        Job.Failure = cause;
        await TransitionAsync(JobStatus.Failing);
        await CancelSubtasksAsync();
        await TransitionAsync(JobStatus.Failed);
    }

    private async Task DeployAttemptAsync(JobGraph graph, GrainFlow.Configuration.GrainFlowConfiguration configuration)
    {
        var submission = Job.Submission!;
        var subtasks = AllSubtasks(graph).ToList();
        // Consumers first, so that no record reaches a subtask that does not know the attempt yet.
        await Task.WhenAll(subtasks.OrderByDescending(s => s.Vertex.Index).Select(s => s.Grain.DeployAsync(
            new TaskDeployment(Job.JobId!.Value, submission.JobName, Job.Attempt, configuration, submission.Parallelism, s.Vertex.Uid, s.Index))));
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({JobName}) switched to {Status}")]
    private partial void LogStatus(JobId jobId, string jobName, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({JobName}) submitted: {Vertices} vertices, max parallelism {MaxParallelism}")]
    private partial void LogSubmitted(JobId jobId, string jobName, int vertices, int maxParallelism);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: {Warning}")]
    private partial void LogWarning(JobId jobId, string warning);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed in {Origin}: {ExceptionType}: {Message}")]
    private partial void LogJobFailed(JobId jobId, string origin, string exceptionType, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: not every subtask could be reached to cancel it")]
    private partial void LogCancelIncomplete(Exception exception, JobId jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the job registry could not be updated")]
    private partial void LogRegistryUpdateFailed(Exception exception, JobId jobId);
}
