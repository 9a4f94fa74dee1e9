namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>Windows of a fixed size that start every <see cref="Slide"/>: an element goes into the size / slide windows containing its time.</summary>
public abstract class SlidingWindows : WindowAssigner<TimeWindow>
{
    private readonly string _name;
    // The last assignment and the latest start it was made for, handed out again while elements fall
    // into the same windows (consecutive elements mostly do), so no window or list is allocated per
    // element. Never changed once published, so the subtasks sharing this assigner may replace it at will.
    private Assignment _last = new(long.MinValue, []);

    private protected SlidingWindows(string name, TimeSpan size, TimeSpan slide, TimeSpan offset, bool eventTime)
    {
        _name = name;
        Size = WindowParameters.Length(name, "size", size);
        Slide = WindowParameters.Length(name, "slide", slide);
        if (Slide > Size)
        {
            // Flink accepts this; the elements between two windows would then belong to none and vanish without a trace.
            throw new ArgumentException(
                $"{name}: the slide ({slide}) is larger than the size ({size}), so elements between windows would belong to no window and be lost; " +
                "use a slide no larger than the size (slide = size is a tumbling window).", nameof(slide));
        }
        Offset = WindowParameters.Offset(name, "slide", Slide, offset);
        IsEventTime = eventTime;
    }

    public long Size { get; }

    public long Slide { get; }

    public long Offset { get; }

    public sealed override bool IsEventTime { get; }

    /// <summary>The windows containing the element's time, latest start first (Flink's order).</summary>
    public sealed override IReadOnlyList<TimeWindow> AssignWindows<T>(T element, long timestamp, IWindowAssignerContext context)
    {
        var time = TimeWindowAssignment.TimeOf(_name, IsEventTime, timestamp, context);
        var lastStart = TimeWindow.GetWindowStartWithOffset(time, Offset, Slide);
        // The windows of a time start at its slide's start and every slide before it while they still contain
        // it: how many depends on the time only where the size is not a multiple of the slide.
        var count = (lastStart - time + Size + Slide - 1) / Slide;
        var last = _last;
        if (last.LastStart == lastStart && last.Windows.Length == count) return last.Windows;
        var windows = new TimeWindow[count];
        for (var i = 0; i < windows.Length; i++)
        {
            var start = lastStart - i * Slide;
            windows[i] = new TimeWindow(start, start + Size);
        }
        _last = new Assignment(lastStart, windows);
        return windows;
    }

    private sealed record Assignment(long LastStart, TimeWindow[] Windows);

    public sealed override ITrigger<TimeWindow> GetDefaultTrigger() => TimeWindowAssignment.DefaultTrigger(IsEventTime);

    public override string ToString() => $"{_name}({Size}, {Slide})";
}

/// <summary>Sliding windows on event time (Flink's <c>SlidingEventTimeWindows</c>).</summary>
public sealed class SlidingEventTimeWindows : SlidingWindows
{
    private SlidingEventTimeWindows(TimeSpan size, TimeSpan slide, TimeSpan offset) : base(nameof(SlidingEventTimeWindows), size, slide, offset, eventTime: true) { }

    public static SlidingEventTimeWindows Of(TimeSpan size, TimeSpan slide, TimeSpan offset = default) => new(size, slide, offset);
}

/// <summary>Sliding windows on processing time (Flink's <c>SlidingProcessingTimeWindows</c>).</summary>
public sealed class SlidingProcessingTimeWindows : SlidingWindows
{
    private SlidingProcessingTimeWindows(TimeSpan size, TimeSpan slide, TimeSpan offset) : base(nameof(SlidingProcessingTimeWindows), size, slide, offset, eventTime: false) { }

    public static SlidingProcessingTimeWindows Of(TimeSpan size, TimeSpan slide, TimeSpan offset = default) => new(size, slide, offset);
}
