using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// Resumes the unfinished jobs when the cluster starts, once the silo is active.
/// <para>
/// Why: a job manager lives only while something calls it. When the whole cluster went down (the
/// only silo was killed, or every silo), its jobs stay RUNNING in the registry, yet no job manager,
/// coordinator or subtask is active, and no surviving silo saw a silo die (<see cref="SiloLossWatcher"/>
/// needs a survivor): the jobs would stall until someone asked for their status. Every starting silo
/// asks <see cref="IClusterStartGrain"/>; only the first of a cluster start wakes the job managers,
/// which resume what their records say (a running job finds its subtasks gone and restarts from
/// its latest checkpoint).
/// </para>
/// </summary>
internal sealed partial class JobResumptionOnStart(IGrainFactory grains, UnfinishedJobWaker waker, ILogger<JobResumptionOnStart> logger)
    : ActiveSiloTask
{
    private const int ClaimAttempts = 5;

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= ClaimAttempts && !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                if (!await grains.GetGrain<IClusterStartGrain>(IClusterStartGrain.DefaultKey).TryClaimJobResumptionAsync())
                {
                    LogClaimedElsewhere();
                    return;
                }
                LogClaimed();
                await waker.WakeAllAsync("after the cluster started", cancellationToken);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogClaimRetry(attempt, e.Message);
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "First silo of this cluster start: resuming the unfinished jobs")]
    private partial void LogClaimed();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Another silo of this cluster start resumes the unfinished jobs")]
    private partial void LogClaimedElsewhere();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resuming unfinished jobs after the start: the cluster-start grain did not answer (round {Attempt}): {Message}")]
    private partial void LogClaimRetry(int attempt, string message);
}
