using GrainFlow.Runtime.Api.Time;

namespace GrainFlow.Runtime.Tests.EventTime;

/// <summary>An <see cref="IWatermarkOutput"/> that records every call, in order ("wm 5", "idle", "active").</summary>
internal sealed class WatermarkRecorder : IWatermarkOutput
{
    public List<string> Calls { get; } = new();

    public void EmitWatermark(long timestampMs) => Calls.Add($"wm {timestampMs}");

    public void MarkIdle() => Calls.Add("idle");

    public void MarkActive() => Calls.Add("active");

    public List<string> Take()
    {
        var calls = Calls.ToList();
        Calls.Clear();
        return calls;
    }
}
