using GrainFlow.Runtime.Channels;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// What a <see cref="CheckpointCoordinator"/> says to the job's subtasks and job manager, each call best effort as in
/// Flink: a trigger that fails comes back as a decline, a notification that fails is only logged (a sink commits
/// everything up to the id it hears next), and reports to the job manager are not awaited.
/// </summary>
internal sealed class CoordinatorOutbox(ICheckpointCoordinatorHost host, ILogger logger)
{
    /// <summary>Sends <paramref name="barrier"/> to <paramref name="subtask"/> without waiting for it.</summary>
    public void Trigger(SubtaskId subtask, long attempt, CheckpointBarrier barrier) => _ = TriggerAsync(subtask, attempt, barrier);

    /// <summary>Tells every one of <paramref name="subtasks"/> that <paramref name="checkpointId"/> completed; the task ends when all were told.</summary>
    public Task NotifyAllAsync(IEnumerable<SubtaskId> subtasks, long attempt, long checkpointId) =>
        Task.WhenAll(subtasks.Select(subtask => NotifyAsync(subtask, attempt, checkpointId)).ToList());

    /// <summary>Reports to the job manager without waiting: it may call back into the (non-reentrant) coordinator while handling it.</summary>
    public void ReportToJobManager(Func<ICheckpointCoordinatorHost, Task> report, long checkpointId) =>
        _ = report(host).ContinueWith(t => logger.LogNotifyFailed(t.Exception!, checkpointId, "job manager"), TaskContinuationOptions.OnlyOnFaulted);

    private async Task TriggerAsync(SubtaskId subtask, long attempt, CheckpointBarrier barrier)
    {
        try
        {
            await host.TriggerCheckpointAsync(subtask, attempt, barrier);
        }
        catch (Exception e)
        {
            await host.DeclineAsync(attempt, barrier.CheckpointId, subtask, $"the trigger failed: {e.Message}");
        }
    }

    private async Task NotifyAsync(SubtaskId subtask, long attempt, long checkpointId)
    {
        try
        {
            await host.NotifyCheckpointCompleteAsync(subtask, attempt, checkpointId);
        }
        catch (Exception e)
        {
            logger.LogNotifyFailed(e, checkpointId, subtask.ToString());
        }
    }
}
