using GrainFlow.Checkpoints;
using GrainFlow.Configuration;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Diagnostics;
using GrainFlow.Runtime.Graph;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// The state a new job starts from: a savepoint or retained checkpoint named by
/// <c>execution.state-recovery.path</c> (<c>run -s</c>), the newest snapshot of its name
/// (<c>grainflow.state-recovery.resume: latest</c>), or nothing. The snapshot is checked against the
/// job before anything runs: every piece of state must map to an operator uid (unless
/// <c>ignore-unclaimed-state</c>), and the max parallelism must match. The snapshot is verified
/// entirely (<see cref="SnapshotVerifier"/>) before the job is created: a damaged one named by path
/// refuses the submission, a damaged latest one is passed over for the newest intact one.
/// </summary>
internal sealed partial class JobManagerGrain
{
    private sealed record InitialState(JobSubmission Submission, JobGraph Graph, RestorePoint? Restore, CompletedCheckpoint? Registered, string Origin,
        IReadOnlyList<SkippedSnapshot> Skipped);

    private async Task<InitialState> PlanInitialStateAsync(JobId jobId, JobSubmission submission, JobGraph graph)
    {
        var configuration = graph.Configuration;
        string? path = configuration.GetOptionalString(StateRecoveryOptions.Path);
        var searchedNote = "";
        LatestSnapshotFinder.Result? latest = null;
        if (path is null && configuration.Get(StateRecoveryOptions.Resume) == ResumeMode.Latest)
        {
            latest = await LatestSnapshotFinder.FindAsync(submission.JobName, configuration, CheckpointStorage.For(configuration, stores));
            foreach (var damaged in latest.Skipped) LogSkippedSnapshot(jobId, damaged.ToString());
            if (latest.Location is null)
            {
                var searched = string.Join(", ", latest.Searched);
                if (latest.Skipped.Count > 0)
                {
                    // Starting empty would silently drop the state the user asked to resume.
                    throw new SavepointException(
                        $"--resume latest found no intact checkpoint or savepoint of job '{submission.JobName}' in {searched}{SkippedSnapshot.Describe(latest.Skipped)}");
                }
                return new InitialState(submission, graph, null, null,
                    $"started job {jobId} without state: --resume latest found no completed checkpoint or savepoint of job '{submission.JobName}' in {searched}", []);
            }
            path = latest.Location;
            searchedNote = " (the latest of its name)";
        }
        if (path is null) return new InitialState(submission, graph, null, null, $"started job {jobId} without state", []);

        // The latest was verified while it was chosen; a path the user named is verified now.
        var (snapshot, metadata) = latest is { Location: { } found, Metadata: { } verified }
            ? (SnapshotLocation.At(found, configuration), verified)
            : await SnapshotResolver.OpenVerifiedAsync(path, configuration);
        if (metadata.MaxParallelism != graph.MaxParallelism)
        {
            // Flink skips the check when the job leaves max parallelism to its default: adopt the snapshot's.
            var adopted = submission with
            {
                Configuration = new Dictionary<string, string>(submission.Configuration) { [PipelineOptions.MaxParallelism.Key] = metadata.MaxParallelism.ToString() },
            };
            var rebuilt = BuildGraph(jobId, adopted);
            if (configuration.Contains(PipelineOptions.MaxParallelism) || rebuilt.MaxParallelism != metadata.MaxParallelism)
            {
                throw new JobConfigurationException(
                    $"Max parallelism mismatch between checkpoint/savepoint state and new program. Cannot map operator state with max parallelism {metadata.MaxParallelism} "
                    + $"to new program with max parallelism {graph.MaxParallelism}. This indicates that the program has been changed in a non-compatible way after the checkpoint/savepoint ({snapshot.ExternalPath}).");
            }
            (submission, graph) = (adopted, rebuilt);
        }
        if (SubtaskStateRestorer.BackendProblem(metadata, snapshot.ExternalPath, configuration) is { } backendProblem)
        {
            // Before the job exists, rather than failing each subtask's restore.
            throw new SavepointException($"Cannot restore from '{path}': {backendProblem}");
        }
        var operators = graph.Vertices.SelectMany(v => v.Chain.Select(n => n.Uid)).ToHashSet(StringComparer.Ordinal);
        var unmapped = metadata.Vertices.SelectMany(v => v.Subtasks).SelectMany(s => s.Operators)
            .Where(o => o.State is not null || o.IncrementalState is not null || o.SourceOffsets is { Count: > 0 } || o.OperatorState is not null)
            .Select(o => o.OperatorUid).Where(uid => !operators.Contains(uid)).Distinct().Order(StringComparer.Ordinal).ToList();
        if (unmapped.Count > 0 && !configuration.Get(StateRecoveryOptions.IgnoreUnclaimedState))
        {
            throw new JobConfigurationException(
                $"Failed to rollback to checkpoint/savepoint {snapshot.ExternalPath}. Cannot map checkpoint/savepoint state for operator {unmapped[0]} to the new program, "
                + "because the operator is not available in the new program. If you want to allow to skip this, you can set the --allowNonRestoredState option on the CLI."
                + (unmapped.Count > 1 ? $" (Also unmapped: {string.Join(", ", unmapped.Skip(1))}.)" : ""));
        }
        var claimed = configuration.Get(StateRecoveryOptions.ClaimMode) == RecoveryClaimMode.Claim;
        var properties = claimed ? CheckpointProperties.ForCheckpoint(configuration.Get(CheckpointingOptions.Retention)) : CheckpointProperties.ForUnclaimedSnapshot();
        var registered = new CompletedCheckpoint(jobId, metadata.CheckpointId, metadata.TriggerTime, metadata.CompletionTime, properties,
            snapshot.ExternalPath, "", metadata.Vertices.SelectMany(v => v.Subtasks).Sum(s => s.StateSize), snapshot.Store.Location);
        var restore = new RestorePoint(metadata.CheckpointId, "", snapshot.ExternalPath, snapshot.Store.Location, metadata.IsSavepoint);
        var kind = RestoredSnapshotKind.Of(metadata);
        var skipped = unmapped.Count > 0 ? $"; skipped the state of operators no longer in the job: {string.Join(", ", unmapped)}" : "";
        var passedOver = latest?.Skipped ?? [];
        var origin = $"restored job {jobId} (attempt 1) from {kind} {metadata.CheckpointId} of job {metadata.JobId}{searchedNote} at {snapshot.ExternalPath} "
            + $"({(claimed ? "CLAIM" : "NO_CLAIM")}), source offsets {SourceOffsetsText(graph, metadata)}{skipped}{SkippedSnapshot.Describe(passedOver)}";
        return new InitialState(submission, graph, restore, registered, origin, passedOver);
    }

    /// <summary>
    /// What a restart restores: the newest retained checkpoint that is intact. Damaged newer ones are
    /// passed over (logged, and reported with the restore); when all are damaged the job fails.
    /// </summary>
    /// <exception cref="NonRecoverableJobException">Every retained checkpoint is damaged.</exception>
    private async Task<(RestorePoint? Restore, IReadOnlyList<SkippedSnapshot> Skipped)> PlanRestartStateAsync(JobGraph graph)
    {
        // The subtasks check every byte they restore: reading it all here first would double a restore's reads.
        var verification = Job.VerifyEveryRestoredByte ? SnapshotVerification.EveryByte : SnapshotVerification.PresenceAndSize;
        var (checkpoint, skipped) = await RetainedCheckpointSelector.NewestIntactAsync(Job.JobId!.Value, await Coordinator.GetRetainedAsync(),
            CheckpointStorage.For(graph.Configuration, stores), graph.Configuration, verification);
        foreach (var passedOver in skipped) LogSkippedSnapshot(Job.JobId!.Value, passedOver.ToString());
        var restore = checkpoint is null ? null
            : new RestorePoint(checkpoint.CheckpointId, checkpoint.DirectoryKey, checkpoint.ExternalPath, checkpoint.StorageLocation, checkpoint.Properties.IsSavepoint);
        return (restore, skipped);
    }

    /// <summary>
    /// Deploys an attempt; one that restores from a snapshot is traced (the restore activity, until every
    /// subtask is deployed from it), logged with its duration since <paramref name="startTimestamp"/>, and
    /// published as lastCheckpointRestoreTimestamp.
    /// </summary>
    private async Task DeployAttemptRestoringAsync(JobGraph graph, RestorePoint? restore, long startTimestamp)
    {
        var trace = restore is null ? null : CheckpointTracing.StartRestore(Job.JobId!.Value.Value, Job.Attempt, restore.CheckpointId, restore.ExternalPath);
        try
        {
            await DeployAttemptAsync(graph, restore);
        }
        catch (Exception e)
        {
            CheckpointTracing.End(trace, e.Message);
            throw;
        }
        CheckpointTracing.End(trace, null);
        if (restore is null) return;
        UpdateFigures();
        _figures!.SetRestored(time.GetUtcNow());
        logger.LogRestored(Job.JobId!.Value, Job.Attempt, restore.CheckpointId, (long)time.GetElapsedTime(startTimestamp).TotalMilliseconds, restore.ExternalPath);
    }

    /// <summary>A restore failed on state that does not match its checksums (not on a state type the job changed: that is not recoverable).</summary>
    private static bool RestoreFoundDamage(Exception exception)
    {
        if (FailureCause.IsNonRecoverable(exception)) return false;
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is InvalidDataException) return true;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(RestoreFoundDamage)) return true;
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: skipped damaged {Snapshot}")]
    private partial void LogSkippedSnapshot(JobId jobId, string snapshot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: attempt {Attempt} found damaged state while restoring ({Reason}); the next restart checks every byte of the retained checkpoints and passes damaged ones over")]
    private partial void LogRestoreFoundDamage(JobId jobId, long attempt, string reason);
}
