namespace GrainFlow.Runtime.Api.Time;

/// <summary>
/// Watermarks for records out of order by at most a known bound B: after a record with timestamp t no
/// record older than t − B follows, so the watermark is the highest timestamp seen − B − 1 (Flink's
/// <c>BoundedOutOfOrdernessWatermarks</c>). Emitted periodically.
/// </summary>
public sealed class BoundedOutOfOrdernessWatermarks<T> : IWatermarkGenerator<T>
{
    private readonly long _outOfOrdernessMs;
    private long _maxTimestamp;

    public BoundedOutOfOrdernessWatermarks(TimeSpan maxOutOfOrderness)
    {
        _outOfOrdernessMs = WatermarkDurations.ToMilliseconds(maxOutOfOrderness, nameof(maxOutOfOrderness), "out-of-orderness", allowZero: true);
        // Start so that the first watermark is long.MinValue ("no event time yet"), not an underflow.
        _maxTimestamp = long.MinValue + _outOfOrdernessMs + 1;
    }

    public void OnEvent(T element, long eventTimestamp, IWatermarkOutput output) => _maxTimestamp = Math.Max(_maxTimestamp, eventTimestamp);

    public void OnPeriodicEmit(IWatermarkOutput output) => output.EmitWatermark(_maxTimestamp - _outOfOrdernessMs - 1);
}
