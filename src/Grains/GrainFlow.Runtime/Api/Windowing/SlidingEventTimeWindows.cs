namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Event-time windows of a fixed size that start every <see cref="Slide"/> (Flink's <c>SlidingEventTimeWindows</c>):
/// an element goes into the size / slide windows that contain its timestamp.
/// </summary>
public sealed class SlidingEventTimeWindows : WindowAssigner<TimeWindow>
{
    private SlidingEventTimeWindows(long sizeMs, long slideMs, long offsetMs)
    {
        Size = sizeMs;
        Slide = slideMs;
        Offset = offsetMs;
    }

    public long Size { get; }

    public long Slide { get; }

    public long Offset { get; }

    public override bool IsEventTime => true;

    public static SlidingEventTimeWindows Of(TimeSpan size, TimeSpan slide, TimeSpan offset = default)
    {
        var (sizeMs, slideMs, offsetMs) = SlidingWindows.Validate(nameof(SlidingEventTimeWindows), size, slide, offset);
        return new(sizeMs, slideMs, offsetMs);
    }

    public override IReadOnlyList<TimeWindow> AssignWindows<T>(T element, long timestamp, IWindowAssignerContext context) =>
        SlidingWindows.Containing(WindowParameters.EventTimestamp(nameof(SlidingEventTimeWindows), timestamp), Size, Slide, Offset);

    public override ITrigger<TimeWindow> GetDefaultTrigger() => EventTimeTrigger.Create();

    public override string ToString() => $"SlidingEventTimeWindows({Size}, {Slide})";
}
