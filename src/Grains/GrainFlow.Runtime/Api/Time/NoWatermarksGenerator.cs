namespace GrainFlow.Runtime.Api.Time;

/// <summary>Emits no watermarks: for streams that run on processing time (Flink's <c>NoWatermarksGenerator</c>).</summary>
public sealed class NoWatermarksGenerator<T> : IWatermarkGenerator<T>
{
    public void OnEvent(T element, long eventTimestamp, IWatermarkOutput output) { }

    public void OnPeriodicEmit(IWatermarkOutput output) { }
}
