using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// Runs in every silo and wakes the job managers of unfinished jobs whenever the cluster declares
/// a silo dead.
/// <para>
/// Why both this and the job manager's heartbeats: a silo that dies takes its activations without
/// a word. Subtasks on it are found by the heartbeats of their job manager — but the job manager
/// may have lived there too, and then no timer is left to notice anything (a lost source subtask
/// has no upstream that would either). Membership is the one signal every surviving silo gets, and
/// it comes only after the cluster agreed the silo is dead, i.e. once calls to its grains reach
/// fresh activations elsewhere — exactly when a heartbeat round gives a clear answer. Each
/// surviving silo acts on it, so no single one has to survive; a job manager checked twice merely
/// checks twice. Heartbeats alone still cover what membership does not see: an activation lost
/// without its silo dying, or a change missed while this silo was starting.
/// </para>
/// </summary>
internal sealed partial class SiloLossWatcher(
    IClusterMembershipService membership, UnfinishedJobWaker waker, ILocalSiloDetails localSilo, ILogger<SiloLossWatcher> logger)
    : ActiveSiloTask
{
    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        ClusterMembershipSnapshot? previous = null;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                // The first snapshot is the baseline: silos dead before this one started are old news
                // (with a durable membership table they stay listed for a long time).
                var died = previous is null ? [] : NewlyDead(previous, snapshot);
                previous = snapshot;
                if (died.Count == 0) continue;
                LogSiloDead(string.Join(", ", died));
                // Not awaited: the next membership update must not wait for a slow job manager.
                _ = waker.WakeAllAsync("after a silo loss", cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogWatchFailed(e);
        }
    }

    private List<SiloAddress> NewlyDead(ClusterMembershipSnapshot previous, ClusterMembershipSnapshot current) => current.Members.Values
        .Where(m => m.Status == SiloStatus.Dead && !m.SiloAddress.Equals(localSilo.SiloAddress))
        .Where(m => !(previous.Members.TryGetValue(m.SiloAddress, out var before) && before.Status == SiloStatus.Dead))
        .Select(m => m.SiloAddress)
        .ToList();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo(s) {Silos} declared dead: checking the subtasks of every unfinished job")]
    private partial void LogSiloDead(string silos);

    [LoggerMessage(Level = LogLevel.Error, Message = "Watching cluster membership failed; lost silos are now found by job heartbeats only")]
    private partial void LogWatchFailed(Exception exception);
}
