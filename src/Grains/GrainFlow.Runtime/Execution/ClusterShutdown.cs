using GrainFlow.Jobs;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// A graceful stop of the last silo of a cluster (SIGTERM, Ctrl+C) leaves its jobs as they are: their
/// records stay RUNNING and they resume from their latest checkpoint when a silo of the cluster runs
/// again. It says so, at information level, before Orleans deactivates the grains — and then nothing
/// tries to fail over to a silo that does not exist (every such call would end in placement errors and
/// retries). A silo that stops while others run is different: its subtasks fail over to them as usual.
/// </summary>
internal sealed partial class ClusterShutdown(
    IClusterMembershipService membership, ILocalSiloDetails localSilo, IGrainFactory grains, ILogger<ClusterShutdown> logger)
    : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _lastSiloStopping = new();

    /// <summary>
    /// Cancelled once the last active silo of the cluster has begun a graceful stop: the running tasks stop
    /// sending (nothing is left to fail over to, and calls to grains being deactivated could not be placed).
    /// </summary>
    public CancellationToken LastSiloStopping => _lastSiloStopping.Token;

    public void Participate(ISiloLifecycle lifecycle) =>
        // Stopping at Active runs before the grains are deactivated (at BecomeActive), while calls still work.
        lifecycle.Subscribe(nameof(ClusterShutdown), ServiceLifecycleStage.Active, _ => Task.CompletedTask, StopAsync);

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        var others = membership.CurrentSnapshot.Members.Values
            .Count(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(localSilo.SiloAddress));
        if (others > 0)
        {
            LogStoppingWithOthers(others);
            return;
        }
        await _lastSiloStopping.CancelAsync();
        IReadOnlyList<JobSummary> jobs;
        try
        {
            jobs = await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync().WaitAsync(ListTimeout, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or OrleansException)
        {
            LogJobsUnknown(e.GetType().Name);
            return;
        }
        var unfinished = jobs.Where(j => !j.Status.IsTerminal()).ToList();
        foreach (var job in unfinished) LogJobLeft(job.JobId, job.Name, job.Status.ToFlinkName());
        LogStopping(unfinished.Count);
    }

    public void Dispose() => _lastSiloStopping.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping the silo: {Others} other silo(s) of the cluster take over the tasks that ran here")]
    private partial void LogStoppingWithOthers(int others);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping the silo: job {JobId} ({JobName}) stays {Status}; it resumes from its latest checkpoint when a silo of this cluster runs again")]
    private partial void LogJobLeft(JobId jobId, string jobName, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping the silo, the last of its cluster: {Count} unfinished job(s) left as they are; their tasks stop with it")]
    private partial void LogStopping(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping the silo, the last of its cluster; the job list could not be read ({Reason}), unfinished jobs stay as they are")]
    private partial void LogJobsUnknown(string reason);
}
