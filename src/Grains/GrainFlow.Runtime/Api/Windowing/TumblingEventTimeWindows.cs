namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Consecutive, non-overlapping event-time windows of a fixed size (Flink's <c>TumblingEventTimeWindows</c>):
/// each element goes into the one window containing its timestamp. The offset shifts window starts,
/// e.g. <c>Of(TimeSpan.FromDays(1), TimeSpan.FromHours(-8))</c> for days in UTC+8.
/// </summary>
public sealed class TumblingEventTimeWindows : WindowAssigner<TimeWindow>
{
    private TumblingEventTimeWindows(long sizeMs, long offsetMs)
    {
        Size = sizeMs;
        Offset = offsetMs;
    }

    /// <summary>Window size in milliseconds.</summary>
    public long Size { get; }

    /// <summary>Window start offset in milliseconds.</summary>
    public long Offset { get; }

    public override bool IsEventTime => true;

    public static TumblingEventTimeWindows Of(TimeSpan size, TimeSpan offset = default)
    {
        var sizeMs = WindowParameters.Length(nameof(TumblingEventTimeWindows), "size", size);
        return new(sizeMs, WindowParameters.Offset(nameof(TumblingEventTimeWindows), "size", sizeMs, offset));
    }

    public override IReadOnlyList<TimeWindow> AssignWindows<T>(T element, long timestamp, IWindowAssignerContext context)
    {
        var start = TimeWindow.GetWindowStartWithOffset(WindowParameters.EventTimestamp(nameof(TumblingEventTimeWindows), timestamp), Offset, Size);
        return [new TimeWindow(start, start + Size)];
    }

    public override ITrigger<TimeWindow> GetDefaultTrigger() => EventTimeTrigger.Create();

    public override string ToString() => $"TumblingEventTimeWindows({Size})";
}
