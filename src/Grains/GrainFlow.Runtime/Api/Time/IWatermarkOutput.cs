namespace GrainFlow.Runtime.Api.Time;

/// <summary>Where a <see cref="IWatermarkGenerator{T}"/> emits (Flink's <c>WatermarkOutput</c>).</summary>
public interface IWatermarkOutput
{
    /// <summary>
    /// Event time reached <paramref name="timestampMs"/>: no record at or before it is expected any more.
    /// A watermark that is not higher than the last one is ignored (watermarks never go backwards);
    /// emitting one also marks the output active again.
    /// </summary>
    void EmitWatermark(long timestampMs);

    /// <summary>This output sends no records for now, so it must not hold back the watermark of its consumers.</summary>
    void MarkIdle();

    /// <summary>This output sends records again (after <see cref="MarkIdle"/>).</summary>
    void MarkActive();
}
