namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Consecutive, non-overlapping processing-time windows of a fixed size (Flink's <c>TumblingProcessingTimeWindows</c>):
/// each element goes into the one window containing the current processing time. The offset shifts window starts,
/// e.g. <c>Of(TimeSpan.FromDays(1), TimeSpan.FromHours(-8))</c> for days in UTC+8.
/// </summary>
public sealed class TumblingProcessingTimeWindows : WindowAssigner<TimeWindow>
{
    private TumblingProcessingTimeWindows(long sizeMs, long offsetMs)
    {
        Size = sizeMs;
        Offset = offsetMs;
    }

    /// <summary>Window size in milliseconds.</summary>
    public long Size { get; }

    /// <summary>Window start offset in milliseconds.</summary>
    public long Offset { get; }

    public override bool IsEventTime => false;

    public static TumblingProcessingTimeWindows Of(TimeSpan size, TimeSpan offset = default)
    {
        var sizeMs = WindowParameters.Length(nameof(TumblingProcessingTimeWindows), "size", size);
        return new(sizeMs, WindowParameters.Offset(nameof(TumblingProcessingTimeWindows), "size", sizeMs, offset));
    }

    public override IReadOnlyList<TimeWindow> AssignWindows<T>(T element, long timestamp, IWindowAssignerContext context)
    {
        var start = TimeWindow.GetWindowStartWithOffset(context.CurrentProcessingTime, Offset, Size);
        return [new TimeWindow(start, start + Size)];
    }

    public override ITrigger<TimeWindow> GetDefaultTrigger() => ProcessingTimeTrigger.Create();

    public override string ToString() => $"TumblingProcessingTimeWindows({Size})";
}
