using GrainFlow.Runtime.Channels;

namespace GrainFlow.Runtime.Operators;

/// <summary>
/// Carries watermarks and watermark statuses through one chain, in chain order, and then onto the
/// network after the records they follow. A <see cref="Watermark"/> reaches each operator's
/// <see cref="IStreamOperator.ProcessWatermark"/> in turn (records a window fires there go down the
/// chain before the watermark moves on); an <see cref="IWatermarkEmitter"/> in the chain (a timestamp
/// assigner) swallows what comes from before it and what it emits itself goes on from there instead.
/// </summary>
internal sealed class WatermarkForwarder(IReadOnlyList<IStreamOperator> chain, INetworkOutput? network)
{
    /// <summary>The subtask's input watermark or status changed (what the <see cref="StatusWatermarkValve"/> returned): from the chain's head on.</summary>
    public void ForwardInput(IReadOnlyList<ControlEvent> events) => Forward(-1, events);

    /// <summary>
    /// Event time goes to its end (<see cref="Watermark.EndOfTime"/>), firing everything still waiting for
    /// it: when the source at the chain's head ended its input, or for <c>stop --drain</c>. It starts after
    /// the source (which makes the chain's watermarks), or at the head of a chain without one.
    /// </summary>
    public void ForwardEndOfTime() => Forward(chain.Count > 0 && chain[0] is IWatermarkEmitter ? 0 : -1, [Watermark.EndOfTime]);

    /// <summary>Every <c>pipeline.auto-watermark-interval</c>: each emitter's periodic watermark, forwarded from where it stands.</summary>
    public void EmitPeriodic()
    {
        for (var i = 0; i < chain.Count; i++)
        {
            if (chain[i] is IWatermarkEmitter emitter) Forward(i, emitter.EmitPeriodic());
        }
    }

    /// <summary>After a poll or a batch: what the emitters made while the records went through.</summary>
    public void ForwardEmitted()
    {
        for (var i = 0; i < chain.Count; i++)
        {
            if (chain[i] is IWatermarkEmitter emitter) Forward(i, emitter.TakeEvents());
        }
    }

    private void Forward(int emittedAt, IReadOnlyList<ControlEvent> events)
    {
        foreach (var control in events)
        {
            var swallowed = false;
            for (var i = emittedAt + 1; i < chain.Count && !swallowed; i++)
            {
                if (control is Watermark watermark) chain[i].ProcessWatermark(watermark.TimestampMs);
                if (chain[i] is not IWatermarkEmitter emitter) continue;
                swallowed = true;
                Forward(i, emitter.TakeEvents()); // the end of time, passed on by an assigner
            }
            if (!swallowed) network?.FlushAll(control);
        }
    }
}
