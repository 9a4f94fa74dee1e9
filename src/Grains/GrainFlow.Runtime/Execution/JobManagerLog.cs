using GrainFlow.Jobs;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Execution;

/// <summary>The job manager's log lines (docs/METRICS.md lists them).</summary>
internal static partial class JobManagerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({JobName}) switched to {Status}")]
    public static partial void LogStatus(this ILogger logger, JobId jobId, string jobName, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({JobName}) submitted: {Vertices} vertices, max parallelism {MaxParallelism}")]
    public static partial void LogSubmitted(this ILogger logger, JobId jobId, string jobName, int vertices, int maxParallelism);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: every subtask finished and final checkpoint {CheckpointId} completed; sinks committed their last output")]
    public static partial void LogFinishedAfterFinalCheckpoint(this ILogger logger, JobId jobId, long checkpointId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{StateOrigin}")]
    public static partial void LogStateOrigin(this ILogger logger, string stateOrigin);

    // The event name it had as the grain's LogWarning, for filters that select it.
    [LoggerMessage(EventName = "LogWarning", Level = LogLevel.Warning, Message = "Job {JobId}: {Warning}")]
    public static partial void LogJobWarning(this ILogger logger, JobId jobId, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: attempt {Attempt} restored from checkpoint {CheckpointId} in {DurationMs} ms. Path: {Path}")]
    public static partial void LogRestored(this ILogger logger, JobId jobId, long attempt, long checkpointId, long durationMs, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: not every subtask could be reached to cancel it")]
    public static partial void LogCancelIncomplete(this ILogger logger, Exception exception, JobId jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the job registry could not be updated")]
    public static partial void LogRegistryUpdateFailed(this ILogger logger, Exception exception, JobId jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: {Origin} is lost: {Message}")]
    public static partial void LogSubtaskLost(this ILogger logger, JobId jobId, string origin, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId}: a subtask did not answer a heartbeat or the request for its final figures ({ExceptionType}: {Message})")]
    public static partial void LogProbeFailed(this ILogger logger, JobId jobId, string exceptionType, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: job manager reactivated while {Status} (attempt {Attempt}); resuming")]
    public static partial void LogResuming(this ILogger logger, JobId jobId, string status, long attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: applying the checkpoint retention policy failed")]
    public static partial void LogCheckpointCleanupFailed(this ILogger logger, Exception exception, JobId jobId);
}
