namespace GrainFlow.Runtime.Api.Time;

/// <summary>
/// Makes watermarks from the events of one stream (or one split of a source): either on an event
/// (punctuated) or every <c>pipeline.auto-watermark-interval</c> (periodic). Flink's <c>WatermarkGenerator</c>.
/// One instance serves one stream, so it may keep state without locking.
/// </summary>
public interface IWatermarkGenerator<in T>
{
    /// <summary>Called after each record was emitted, with the timestamp it was given.</summary>
    void OnEvent(T element, long eventTimestamp, IWatermarkOutput output);

    /// <summary>Called periodically; a periodic generator emits its current watermark here.</summary>
    void OnPeriodicEmit(IWatermarkOutput output);
}
