namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Consecutive, non-overlapping windows of a fixed size: each element goes into the one window
/// containing its time. The offset shifts window starts, e.g. <c>Of(TimeSpan.FromDays(1), TimeSpan.FromHours(-8))</c>
/// for days in UTC+8.
/// </summary>
public abstract class TumblingWindows : WindowAssigner<TimeWindow>
{
    private readonly string _name;
    // The last assignment, handed out again while elements fall into the same window (consecutive
    // elements mostly do), so no window or list is allocated per element. Never changed once
    // published, so the subtasks sharing this assigner may replace it at will.
    private TimeWindow[]? _last;

    private protected TumblingWindows(string name, TimeSpan size, TimeSpan offset, bool eventTime)
    {
        _name = name;
        Size = WindowParameters.Length(name, "size", size);
        Offset = WindowParameters.Offset(name, "size", Size, offset);
        IsEventTime = eventTime;
    }

    /// <summary>Window size in milliseconds.</summary>
    public long Size { get; }

    /// <summary>Window start offset in milliseconds.</summary>
    public long Offset { get; }

    public sealed override bool IsEventTime { get; }

    public sealed override IReadOnlyList<TimeWindow> AssignWindows<T>(T element, long timestamp, IWindowAssignerContext context)
    {
        var start = TimeWindow.GetWindowStartWithOffset(TimeWindowAssignment.TimeOf(_name, IsEventTime, timestamp, context), Offset, Size);
        var last = _last;
        if (last is not null && last[0].Start == start) return last;
        return _last = [new TimeWindow(start, start + Size)];
    }

    public sealed override ITrigger<TimeWindow> GetDefaultTrigger() => TimeWindowAssignment.DefaultTrigger(IsEventTime);

    public override string ToString() => $"{_name}({Size})";
}

/// <summary>Tumbling windows on event time (Flink's <c>TumblingEventTimeWindows</c>).</summary>
public sealed class TumblingEventTimeWindows : TumblingWindows
{
    private TumblingEventTimeWindows(TimeSpan size, TimeSpan offset) : base(nameof(TumblingEventTimeWindows), size, offset, eventTime: true) { }

    public static TumblingEventTimeWindows Of(TimeSpan size, TimeSpan offset = default) => new(size, offset);
}

/// <summary>Tumbling windows on processing time (Flink's <c>TumblingProcessingTimeWindows</c>).</summary>
public sealed class TumblingProcessingTimeWindows : TumblingWindows
{
    private TumblingProcessingTimeWindows(TimeSpan size, TimeSpan offset) : base(nameof(TumblingProcessingTimeWindows), size, offset, eventTime: false) { }

    public static TumblingProcessingTimeWindows Of(TimeSpan size, TimeSpan offset = default) => new(size, offset);
}
