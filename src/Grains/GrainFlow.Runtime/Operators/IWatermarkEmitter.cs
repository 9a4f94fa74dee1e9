using GrainFlow.Runtime.Channels;

namespace GrainFlow.Runtime.Operators;

/// <summary>
/// An operator that makes the watermarks of the stream after it (a source, a timestamp assigner)
/// instead of passing on its input's. What it returns goes, in order, to the operators after it in
/// the chain (<see cref="IStreamOperator.ProcessWatermark"/> for a <see cref="Watermark"/>) and then
/// downstream.
/// </summary>
internal interface IWatermarkEmitter
{
    /// <summary>Runs the periodic watermark emission (every <c>pipeline.auto-watermark-interval</c>) and returns what to forward.</summary>
    IReadOnlyList<ControlEvent> EmitPeriodic();

    /// <summary>
    /// What was emitted while records went through (a punctuated generator, an idle stream that got a
    /// record, the end-of-time watermark passed on): take it after each poll or batch and forward it.
    /// </summary>
    IReadOnlyList<ControlEvent> TakeEvents();
}
