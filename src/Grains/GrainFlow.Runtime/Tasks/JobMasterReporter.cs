using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using Microsoft.Extensions.Logging;
using Orleans;

namespace GrainFlow.Runtime.Tasks;

/// <summary>
/// Tells the job manager that one attempt of a subtask finished or failed. A report is retried a few
/// times with a growing pause: the job manager may be moving to another silo, and while a lost failure
/// report is still found by its heartbeats, a lost "finished" would hold the job open until then.
/// </summary>
internal sealed partial class JobMasterReporter(IJobMasterGrain master, TaskDeployment deployment, TimeProvider time, ILogger logger)
{
    private const int Attempts = 5;
    private static readonly TimeSpan ReportWaitOnDeactivation = TimeSpan.FromSeconds(1);
    private readonly ILogger _logger = logger;

    /// <summary>How reports and logs name the subtask: "&lt;vertex uid&gt; subtask &lt;i&gt;".</summary>
    public string Origin { get; } = $"{deployment.VertexUid} subtask {deployment.SubtaskIndex}";

    public Task ReportFinishedAsync(SubtaskMetrics figures) =>
        ReportAsync(() => master.SubtaskFinishedAsync(deployment.Attempt, deployment.VertexUid, deployment.SubtaskIndex, figures));

    public Task ReportFailureAsync(Exception exception)
    {
        LogFailed(exception, deployment.JobId, Origin);
        var cause = FailureCause.From(exception, Origin);
        return ReportAsync(() => master.SubtaskFailedAsync(deployment.Attempt, deployment.VertexUid, deployment.SubtaskIndex, cause));
    }

    /// <summary>
    /// The subtask's activation goes away while its attempt runs, taking its in-memory state with it:
    /// reported as a failure, so the job restarts from the latest checkpoint. Sent at once and waited
    /// for only briefly: the job manager may itself be waiting for this activation (deploying the next
    /// attempt to it), which Orleans holds until the deactivation ends — waiting for the answer would
    /// stall both until the deactivation timed out.
    /// </summary>
    public async Task ReportDeactivatedAsync(DeactivationReason reason, CancellationToken cancellation)
    {
        var message = $"Subtask {Origin} of job {deployment.JobId} was deactivated while running ({reason.ReasonCode}: {reason.Description}); its state is lost with the activation.";
        LogDeactivatedWhileRunning(deployment.JobId, Origin, reason.ReasonCode.ToString());
        var report = master.SubtaskFailedAsync(deployment.Attempt, deployment.VertexUid, deployment.SubtaskIndex,
            new FailureCause("GrainFlow.SubtaskDeactivatedException", message, message, Origin, time.GetUtcNow()));
        try
        {
            await report.WaitAsync(ReportWaitOnDeactivation, time, cancellation);
        }
        catch (Exception e)
        {
            // A lost report is caught by the job manager's heartbeats, and its other subtasks fail
            // over too: their next batch reaches an activation that was never deployed.
            _ = report.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            LogDeactivationReportUnconfirmed(deployment.JobId, Origin, e.GetType().Name);
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: {Origin} was deactivated while running ({Reason}); failing over")]
    private partial void LogDeactivatedWhileRunning(JobId jobId, string origin, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the job manager did not confirm the failure report of {Origin} in time ({Reason}); heartbeats find a lost one")]
    private partial void LogDeactivationReportUnconfirmed(JobId jobId, string origin, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: reporting to the job manager failed (attempt {Attempt}); retrying")]
    private partial void LogReportRetry(Exception exception, JobId jobId, int attempt);
}
