using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Execution;

/// <summary>The subtask's grain timers: the periodic watermarks, and the tick that fires processing-time timers and keeps the checkpoint coordinator active.</summary>
internal sealed partial class SubtaskGrain
{
    private void StopTimers()
    {
        _timer?.Dispose();
        _timer = null;
        _watermarkTimer?.Dispose();
        _watermarkTimer = null;
    }

    /// <summary>Every <c>pipeline.auto-watermark-interval</c>: the sources' and assigners' periodic watermarks go out.</summary>
    private Task OnWatermarkIntervalAsync(CancellationToken cancellation)
    {
        if (!_phase.CanTick || _cancellation.IsCancellationRequested || _chain is not { } chain) return Task.CompletedTask;
        try
        {
            chain.Watermarks.EmitPeriodic();
        }
        catch (Exception e)
        {
            Fail(e);
        }
        return Task.CompletedTask;
    }

    private async Task OnTickAsync(CancellationToken cancellation)
    {
        if (!_phase.CanTick || _cancellation.IsCancellationRequested || _chain is not { } chain) return;
        KeepCoordinatorAlive();
        try
        {
            await chain.OnProcessingTimeAsync(time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    /// <summary>
    /// The coordinator's timer lives in its activation: if its silo dies, nothing would call it
    /// again. The first source subtask calls it about once a second, which reactivates it.
    /// </summary>
    private void KeepCoordinatorAlive()
    {
        if (_deployment is not { SubtaskIndex: 0 } deployment || _chain?.Source is null || !_checkpointingEnabled) return;
        var now = time.GetTimestamp();
        if (time.GetElapsedTime(_lastCoordinatorPing, now) < TimeSpan.FromSeconds(1)) return;
        _lastCoordinatorPing = now;
        _ = GrainFactory.GetGrain<ICheckpointCoordinatorGrain>(deployment.JobId.Value).KeepAliveAsync()
            .ContinueWith(t => LogKeepAliveFailed(t.Exception!, deployment.JobId), TaskContinuationOptions.OnlyOnFaulted);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: keeping the checkpoint coordinator active failed; the next tick tries again")]
    private partial void LogKeepAliveFailed(Exception exception, JobId jobId);
}
