using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Tasks;

/// <summary>
/// Tells the job manager that one attempt of a subtask finished or failed. A report is retried a few
/// times with a growing pause: the job manager may be moving to another silo, and while a lost failure
/// report is still found by its heartbeats, a lost "finished" would hold the job open until then.
/// </summary>
internal sealed partial class JobMasterReporter(IJobMasterGrain master, TaskDeployment deployment, TimeProvider time, ILogger logger)
{
    private const int Attempts = 5;
    private readonly ILogger _logger = logger;

    /// <summary>How reports and logs name the subtask: "&lt;vertex uid&gt; subtask &lt;i&gt;".</summary>
    public string Origin { get; } = $"{deployment.VertexUid} subtask {deployment.SubtaskIndex}";

    public Task ReportFinishedAsync() =>
        ReportAsync(() => master.SubtaskFinishedAsync(deployment.Attempt, deployment.VertexUid, deployment.SubtaskIndex));

    public Task ReportFailureAsync(Exception exception)
    {
        LogFailed(exception, deployment.JobId, Origin);
        var cause = FailureCause.From(exception, Origin);
        return ReportAsync(() => master.SubtaskFailedAsync(deployment.Attempt, deployment.VertexUid, deployment.SubtaskIndex, cause));
    }

    private async Task ReportAsync(Func<Task> report)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await report();
                return;
            }
            catch (Exception e) when (attempt < Attempts)
            {
                LogReportRetry(e, deployment.JobId, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: {Origin} failed")]
    private partial void LogFailed(Exception exception, JobId jobId, string origin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: reporting to the job manager failed (attempt {Attempt}); retrying")]
    private partial void LogReportRetry(Exception exception, JobId jobId, int attempt);
}
