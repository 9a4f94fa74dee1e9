using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Savepoints;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// What a restored snapshot is, in the words of the job's state-origin line (<c>grainflow status</c>,
/// the log): a savepoint or another job's checkpoint that the job started from, or a checkpoint of
/// the job itself. Read from the snapshot's own <c>_metadata</c> (its kind and the job that took it),
/// never from how the job registered it: a snapshot restored in NO_CLAIM mode is registered with
/// savepoint properties whatever it is, one restored in CLAIM mode with checkpoint properties.
/// </summary>
internal static class RestoredSnapshotKind
{
    /// <summary>"savepoint (native)", "savepoint (canonical)" or "checkpoint".</summary>
    public static string Of(CheckpointMetadata metadata) =>
        metadata.IsSavepoint ? $"savepoint ({(metadata.SavepointFormat ?? SavepointFormatType.Native).ToString().ToLowerInvariant()})" : "checkpoint";

    /// <summary>
    /// For a restart of <paramref name="jobId"/>: "checkpoint 7 of this job", or "savepoint (native) 4 of
    /// job &lt;id&gt; (the snapshot the job started from)" (also for another job's retained checkpoint).
    /// </summary>
    public static string ForRestart(JobId jobId, long checkpointId, CheckpointMetadata? metadata) =>
        metadata is null || metadata.JobId == jobId.Value
            ? $"checkpoint {checkpointId} of this job"
            : $"{Of(metadata)} {checkpointId} of job {metadata.JobId} (the snapshot the job started from)";
}
