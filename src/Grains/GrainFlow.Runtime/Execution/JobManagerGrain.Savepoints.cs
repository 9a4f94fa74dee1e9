using System.Security.Cryptography;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Savepoints;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// Savepoints of the job manager: triggering one into <c>&lt;target&gt;/savepoint-&lt;6 hex of job id&gt;-&lt;12 random hex&gt;/</c>,
/// following it to its end by trigger id, and ending the job after it when asked (cancel, stop, stop with drain).
/// </summary>
internal sealed partial class JobManagerGrain
{
    private const int KeptSavepointOperations = 20;

    public async Task<string> TriggerSavepointAsync(SavepointRequest request)
    {
        if (!record.RecordExists) throw new JobNotFoundException(JobId.Parse(this.GetPrimaryKeyString()));
        if (request.TriggerId is { } requested && Job.Savepoints.ContainsKey(requested)) return requested;
        if (Job.Status != JobStatus.Running || Job.PendingDrain is not null)
        {
            throw new SavepointException($"Job {Job.JobId} is {Job.Status.ToFlinkName()}{(Job.PendingDrain is null ? "" : " and stopping")}; only a RUNNING job can take a savepoint.");
        }
        var configuration = catalog.ConfigurationFor(Job.Submission!.Configuration);
        var directory = request.TargetDirectory is { Length: > 0 } given ? given : configuration.GetOptionalString(CheckpointingOptions.SavepointDirectory)
            ?? throw new SavepointException(
                "No savepoint location given and no default location configured. Give a target directory (e.g. 'grainflow savepoint <jobId> /var/savepoints') "
                + "or set execution.checkpointing.savepoint-dir (alias state.savepoints.dir).");
        var location = $"{directory.Trim().TrimEnd('/')}/savepoint-{Job.JobId!.Value.Value[..6]}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        try
        {
            _ = SnapshotLocation.At(location, configuration);
        }
        catch (ArgumentException e)
        {
            throw new SavepointException($"'{directory}' is not a savepoint directory GrainFlow can write: {e.Message}");
        }
        var triggerId = request.TriggerId ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var trigger = new SavepointTrigger(triggerId, new SnapshotTarget(location, request.FormatType), request.Then);
        Job.Savepoints[triggerId] = new SavepointOperationRecord
        {
            Operation = new SavepointOperation(triggerId, SavepointOperationStatus.InProgress, null, null, null),
            Then = request.Then,
            TriggeredAt = time.GetUtcNow(),
        };
        foreach (var old in Job.Savepoints.OrderByDescending(s => s.Value.TriggeredAt).Skip(KeptSavepointOperations).Select(s => s.Key).ToList())
        {
            Job.Savepoints.Remove(old);
        }
        if (request.Then == SavepointTermination.StopAndDrain)
        {
            // Flink sends MAX_WATERMARK first; here every source ends its input, every operator emits what
            // it holds, and the snapshot taken once all subtasks finished is the savepoint.
            Job.PendingDrain = trigger;
            await record.WriteStateAsync();
            LogSavepointRequested(Job.JobId.Value, triggerId, "draining", location);
            var attempt = Job.Attempt;
            await Task.WhenAll(SourceSubtasks().Select(s => s.EndInputAsync(attempt)));
            return triggerId;
        }
        await record.WriteStateAsync();
        LogSavepointRequested(Job.JobId.Value, triggerId, request.Then.ToString(), location);
        var id = await Coordinator.TriggerSavepointAsync(trigger);
        Job.Savepoints[triggerId].Operation = Job.Savepoints[triggerId].Operation with { CheckpointId = id };
        await record.WriteStateAsync();
        return triggerId;
    }

    public Task<SavepointOperation> GetSavepointOperationAsync(string triggerId)
    {
        if (!record.RecordExists) throw new JobNotFoundException(JobId.Parse(this.GetPrimaryKeyString()));
        if (!Job.Savepoints.TryGetValue(triggerId, out var operation))
        {
            throw new UnknownTriggerException($"There is no savepoint operation with triggerId={triggerId} for job {Job.JobId}.");
        }
        // A coordinator that lost its activation mid-savepoint forgot it: past the checkpoint timeout
        // (and a minute's grace) it can no longer complete, so say so instead of "in progress" forever.
        var timeout = catalog.ConfigurationFor(Job.Submission!.Configuration).Get(CheckpointingOptions.Timeout) + TimeSpan.FromMinutes(1);
        if (operation.Operation.Status == SavepointOperationStatus.InProgress && Job.PendingDrain?.TriggerId != triggerId
            && time.GetUtcNow() - operation.TriggeredAt > timeout)
        {
            operation.Operation = operation.Operation with
            {
                Status = SavepointOperationStatus.Completed, FailureType = typeof(SavepointException).FullName,
                FailureMessage = $"Savepoint {triggerId} of job {Job.JobId} did not complete within execution.checkpointing.timeout.",
            };
        }
        return Task.FromResult(operation.Operation);
    }

    public async Task SavepointCompletedAsync(long attempt, string triggerId, string location, long checkpointId)
    {
        if (!Job.Savepoints.TryGetValue(triggerId, out var operation) || operation.Operation.Status == SavepointOperationStatus.Completed) return;
        operation.Operation = operation.Operation with { Status = SavepointOperationStatus.Completed, Location = location, CheckpointId = checkpointId };
        await record.WriteStateAsync();
        LogSavepointCompletedForJob(Job.JobId!.Value, triggerId, checkpointId, (long)(time.GetUtcNow() - operation.TriggeredAt).TotalMilliseconds, location);
        if (attempt != Job.Attempt || Job.Status.IsTerminal()) return;
        switch (operation.Then)
        {
            case SavepointTermination.Cancel:
                await CancelAsync();
                break;
            case SavepointTermination.Stop or SavepointTermination.StopAndDrain:
                // Its sinks committed on the savepoint already (the coordinator waited for that).
                Job.PendingDrain = null;
                await EndAsync(JobStatus.Finished);
                break;
        }
    }

    public async Task SavepointFailedAsync(long attempt, string triggerId, string reason)
    {
        if (!Job.Savepoints.TryGetValue(triggerId, out var operation) || operation.Operation.Status == SavepointOperationStatus.Completed) return;
        LogSavepointFailed(Job.JobId!.Value, triggerId, reason);
        // The final savepoint of a drain is tried again by the coordinator: every subtask has finished, nothing else can end the job.
        if (operation.Then == SavepointTermination.StopAndDrain && Job.PendingDrain?.TriggerId == triggerId) return;
        operation.Operation = operation.Operation with
        {
            Status = SavepointOperationStatus.Completed, FailureType = typeof(SavepointException).FullName, FailureMessage = $"Savepoint failed: {reason}",
        };
        await record.WriteStateAsync();
        if (attempt == Job.Attempt && Job.Status == JobStatus.Running && operation.Then == SavepointTermination.Stop)
        {
            // Its sources stopped at the savepoint's barrier: a restart from the latest checkpoint gets the job going again.
            await HandleFailureAsync(new FailureCause(typeof(SavepointException).FullName!, $"Could not stop with a savepoint job \"{Job.JobId}\": {reason}",
                reason, "stop-with-savepoint", time.GetUtcNow()));
        }
    }

    /// <summary>A failure while draining ends the drain: the restarted job runs on, so the stop did not happen.</summary>
    private void AbandonDrain(string reason)
    {
        if (Job.PendingDrain is not { } drain) return;
        Job.PendingDrain = null;
        if (Job.Savepoints.TryGetValue(drain.TriggerId, out var operation) && operation.Operation.Status == SavepointOperationStatus.InProgress)
        {
            operation.Operation = operation.Operation with
            {
                Status = SavepointOperationStatus.Completed, FailureType = typeof(SavepointException).FullName,
                FailureMessage = $"Could not stop with a savepoint job \"{Job.JobId}\": {reason}",
            };
        }
    }

    private IEnumerable<ISubtaskGrain> SourceSubtasks()
    {
        var graph = BuildGraph(Job.JobId!.Value, Job.Submission!);
        return graph.SourceVertices.SelectMany(v => Enumerable.Range(0, v.Parallelism)
            .Select(i => GrainFactory.GetGrain<ISubtaskGrain>(SubtaskKey.Of(Job.JobId!.Value, v.Uid, i))));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: savepoint {TriggerId} requested ({Then}) to {Location}")]
    private partial void LogSavepointRequested(JobId jobId, string triggerId, string then, string location);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: savepoint {TriggerId} (checkpoint {CheckpointId}) completed in {DurationMs} ms. Path: {Location}")]
    private partial void LogSavepointCompletedForJob(JobId jobId, string triggerId, long checkpointId, long durationMs, string location);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: savepoint {TriggerId} failed: {Reason}")]
    private partial void LogSavepointFailed(JobId jobId, string triggerId, string reason);
}
