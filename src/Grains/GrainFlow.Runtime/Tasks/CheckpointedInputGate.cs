using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Diagnostics;

namespace GrainFlow.Runtime.Tasks;

/// <summary>
/// The input side of a subtask (Flink's CheckpointedInputGate): the channels' sequencers, the barrier
/// alignment and the end-of-input bookkeeping behind one call that turns an offered batch into the
/// steps to run, in channel order. Records come out as they are; a barrier comes out once, when every
/// live channel delivered it; an ended channel stops counting for alignments; the channels'
/// watermarks and watermark statuses go through the watermark valve, and what it makes of them (the
/// subtask's input watermark, never going back; an ended channel counts as the end of time) comes out
/// in order with the records. Also counts what it handed out (the subtask's input metrics).
/// </summary>
/// <param name="metrics">Counts the records handed out (numRecordsIn), once per batch.</param>
internal sealed class CheckpointedInputGate(
    InputGate gate, BarrierAligner aligner, StatusWatermarkValve valve, TimeSpan alignmentHoldTime, TimeProvider time, SubtaskMetricGroup? metrics = null)
{
    /// <summary>How long a batch of a channel blocked by an alignment waits in its call before it goes back to its sender.</summary>
    public static readonly TimeSpan DefaultAlignmentHoldTime = TimeSpan.FromMilliseconds(200);

    public long RecordsIn { get; private set; }

    public long BatchesIn { get; private set; }

    /// <summary>
    /// Waits while <paramref name="batch"/>'s channel is blocked by a barrier alignment, at most the
    /// hold time; true when the batch may be offered (released, or the alignment was abandoned).
    /// </summary>
    /// <remarks>
    /// EXACTLY_ONCE alignment: a channel that delivered the barrier takes nothing more until the barrier
    /// came on every channel. Its batch waits here briefly, then goes back to the sender, which offers
    /// it again: the channel stays backpressured, and no call stays open for as long as an alignment
    /// may last (Orleans waits for open calls before it deactivates an activation, and a call held
    /// until a lost sender's barrier arrives would hold the activation forever).
    /// </remarks>
    public async Task<bool> WaitForAlignmentAsync(ChannelBatch batch)
    {
        var channel = (batch.EdgeIndex, batch.SenderSubtask);
        if (!aligner.IsBlocked(channel)) return true;
        var holdExpired = Task.Delay(alignmentHoldTime, time);
        while (aligner.IsBlocked(channel))
        {
            if (await Task.WhenAny(aligner.Released, holdExpired) == holdExpired) return !aligner.IsBlocked(channel);
        }
        return true;
    }

    /// <summary>
    /// The steps <paramref name="batch"/> releases, in order: it and the batches of its channel that
    /// waited for it (none for a batch of another attempt, a duplicate, or one that came early). The
    /// gate acts on each batch's control event only when the step before was taken, so a caller that
    /// stops enumerating leaves the rest unseen.
    /// </summary>
    public async IAsyncEnumerable<InputStep> OfferAsync(ChannelBatch batch)
    {
        foreach (var ready in gate.Offer(batch))
        {
            var channel = (ready.EdgeIndex, ready.SenderSubtask);
            // Only a batch released together with the one before it can find its channel blocked here,
            // which takes two batches of one channel in flight: senders keep one. Correct, if slow.
            while (aligner.IsBlocked(channel)) await aligner.Released;
            if (ready.Count > 0)
            {
                yield return new RecordsStep(ready);
                RecordsIn += ready.Count;
                metrics?.AddRecordsIn(ready.Count);
            }
            BatchesIn++;
            switch (ready.Control)
            {
                case CheckpointBarrier barrier:
                    if (aligner.OnBarrier(channel, barrier, gate.LiveChannelCount, out var alignment)) yield return new BarrierAlignedStep(barrier, alignment);
                    break;
                case EndOfInput:
                    gate.MarkEnded(ready.EdgeIndex, ready.SenderSubtask);
                    // The ended channel was the last one the alignment waited for: its checkpoint is complete here.
                    if (aligner.OnChannelEnded(channel, gate.LiveChannelCount, out var aligned) && aligner.LastCompletedBarrier is { } completed)
                    {
                        yield return new BarrierAlignedStep(completed, aligned);
                    }
                    foreach (var forward in valve.EndOfInput(ready.EdgeIndex, ready.SenderSubtask)) yield return new ControlEventStep(forward);
                    if (gate.AllEnded) yield return AllInputEndedStep.Instance;
                    break;
                case Watermark watermark:
                    foreach (var forward in valve.InputWatermark(ready.EdgeIndex, ready.SenderSubtask, watermark.TimestampMs)) yield return new ControlEventStep(forward);
                    break;
                case WatermarkStatus status:
                    foreach (var forward in valve.InputWatermarkStatus(ready.EdgeIndex, ready.SenderSubtask, status.Idle)) yield return new ControlEventStep(forward);
                    break;
                case { } other:
                    throw new InvalidOperationException($"Channel (edge {ready.EdgeIndex}, sender {ready.SenderSubtask}) delivered an unknown control event {other}.");
            }
        }
    }

    /// <summary>The subtask stops: every call held by an alignment returns.</summary>
    public void Abandon() => aligner.Abandon();
}
