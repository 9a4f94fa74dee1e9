using System.Diagnostics;
using GrainFlow.Runtime.Sources;
using GrainFlow.Runtime.Sources.Alignment;

namespace GrainFlow.Runtime.Tasks;

/// <summary>
/// Polls a source subtask's reader into its chain while the attempt runs (Flink's SourceStreamTask
/// mailbox loop): a batch per poll, the chain's after-batch step (sinks flush, backpressure), and a
/// yield between polls so checkpoint triggers and control calls of the reentrant grain run in
/// between — every record polled before a trigger is before its barrier. With watermark alignment the
/// loop does not poll while the source's watermark is ahead of what its group allows (it keeps taking
/// those calls meanwhile), and tells the group when its input ended.
/// </summary>
internal sealed class SourceLoop(OperatorChain chain, TaskPhase phase, int batchSize, TimeProvider time, SourceWatermarkAligner? aligner = null)
{
    /// <summary>How long the loop waits before polling again when nothing was available (or the source is stopped).</summary>
    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Runs until the input ends — the source is exhausted, or a drain asked to end it — (true: the
    /// chain's input must end now), or until the attempt stops running or <paramref name="cancellation"/>
    /// is cancelled (false). After a stop-with-savepoint barrier the source is no longer polled.
    /// </summary>
    public async Task<bool> RunAsync(CancellationToken cancellation)
    {
        var source = chain.Source ?? throw new InvalidOperationException($"Operator '{chain.Operators[0].Uid}' is not a source.");
        while (!cancellation.IsCancellationRequested && phase.CanProcess)
        {
            if (phase.IsEndInputRequested) return true;
            if (phase.IsSourceStopped)
            {
                await Task.Delay(IdleWait, time, cancellation);
                continue;
            }
            if (aligner is not null && await aligner.MustPauseAsync(source.CurrentWatermark, source.IsIdle))
            {
                if (cancellation.IsCancellationRequested || !phase.CanProcess) return false;
                await Task.Delay(aligner.UntilNextReport, time, cancellation);
                continue;
            }
            var busyStart = Stopwatch.GetTimestamp();
            var backPressuredBefore = chain.Metrics?.BackPressuredTicks ?? 0;
            var status = await source.PollAsync(batchSize, cancellation);
            if (cancellation.IsCancellationRequested || !phase.CanProcess) return false;
            // Watermarks and statuses the records made (a split going idle or active, a punctuated generator).
            chain.Watermarks.ForwardEmitted();
            await chain.AfterBatchAsync();
            chain.Metrics?.AddBusySince(busyStart, backPressuredBefore);
            if (cancellation.IsCancellationRequested) return false;
            switch (status)
            {
                case SourcePollStatus.EndOfInput:
                    if (aligner is not null) await aligner.ReportEndAsync();
                    return true;
                case SourcePollStatus.NothingAvailable:
                    await Task.Delay(IdleWait, time, cancellation);
                    break;
                default:
                    // Let calls queued for this activation (checkpoint triggers, cancel, metrics, timer) run between polls.
                    await Task.Yield();
                    break;
            }
        }
        return false;
    }
}
