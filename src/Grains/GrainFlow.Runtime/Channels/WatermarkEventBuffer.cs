using GrainFlow.Runtime.Api.Time;

namespace GrainFlow.Runtime.Channels;

/// <summary>
/// Turns what a watermark generator emits into the control events to send downstream (Flink's
/// <c>WatermarkToDataOutput</c>): watermarks only when they rise, a status only when it changes, and
/// an idle output that emits a watermark becomes active first. The events wait here until the subtask
/// takes them, in order, to forward them after the records they follow.
/// </summary>
internal sealed class WatermarkEventBuffer : IWatermarkOutput
{
    private readonly List<ControlEvent> _pending = new();

    /// <summary>The highest watermark emitted so far (<see cref="long.MinValue"/> before the first).</summary>
    public long CurrentWatermark { get; private set; } = long.MinValue;

    public bool IsIdle { get; private set; }

    public void EmitWatermark(long timestampMs)
    {
        if (timestampMs <= CurrentWatermark) return;
        CurrentWatermark = timestampMs;
        MarkActive();
        _pending.Add(timestampMs == long.MaxValue ? Watermark.EndOfTime : new Watermark(timestampMs));
    }

    public void MarkIdle()
    {
        if (IsIdle) return;
        IsIdle = true;
        _pending.Add(WatermarkStatus.IdleStatus);
    }

    public void MarkActive()
    {
        if (!IsIdle) return;
        IsIdle = false;
        _pending.Add(WatermarkStatus.ActiveStatus);
    }

    /// <summary>The events emitted since the last call, oldest first (an empty list when there are none).</summary>
    public IReadOnlyList<ControlEvent> Take()
    {
        if (_pending.Count == 0) return [];
        var events = _pending.ToArray();
        _pending.Clear();
        return events;
    }
}
