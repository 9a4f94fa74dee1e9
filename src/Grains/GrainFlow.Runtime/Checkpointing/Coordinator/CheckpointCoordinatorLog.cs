using GrainFlow.Jobs;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>The coordinator's log lines (docs/METRICS.md lists them), worded as Flink's CheckpointCoordinator words them.</summary>
internal static partial class CheckpointCoordinatorLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Triggering checkpoint {CheckpointId} (type=CHECKPOINT) @ {Timestamp} for job {JobId} (full snapshot: {FullSnapshot}).")]
    public static partial void LogTriggered(this ILogger logger, long checkpointId, long timestamp, JobId jobId, bool fullSnapshot);

    [LoggerMessage(Level = LogLevel.Information, Message = "Decline checkpoint {CheckpointId} by task {Subtask} of job {JobId}: {Reason}")]
    public static partial void LogDeclined(this ILogger logger, long checkpointId, string subtask, JobId jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Completed checkpoint {CheckpointId} for job {JobId} ({Bytes} bytes, checkpointDuration={DurationMs} ms, finalizationTime={FinalizationMs} ms).")]
    public static partial void LogCompleted(this ILogger logger, long checkpointId, JobId jobId, long bytes, long durationMs, long finalizationMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Triggering savepoint {CheckpointId} for job {JobId} to {Location}.")]
    public static partial void LogSavepointTriggered(this ILogger logger, long checkpointId, JobId jobId, string location);

    [LoggerMessage(Level = LogLevel.Information, Message = "Savepoint {CheckpointId} of job {JobId} completed in {DurationMs} ms. Path: {Path}")]
    public static partial void LogSavepointCompleted(this ILogger logger, long checkpointId, JobId jobId, long durationMs, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpoint {CheckpointId} of job {JobId} expired before completing.")]
    public static partial void LogExpired(this ILogger logger, long checkpointId, JobId jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkpoint {CheckpointId} of job {JobId} aborted after {DurationMs} ms: {Reason}")]
    public static partial void LogAborted(this ILogger logger, long checkpointId, JobId jobId, long durationMs, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Notifying subtask {Subtask} of checkpoint {CheckpointId} failed")]
    public static partial void LogNotifyFailed(this ILogger logger, Exception exception, long checkpointId, string subtask);
}
