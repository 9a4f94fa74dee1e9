namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Processing-time windows of a fixed size that start every <see cref="Slide"/> (Flink's <c>SlidingProcessingTimeWindows</c>):
/// an element goes into the size / slide windows that contain the current processing time.
/// </summary>
public sealed class SlidingProcessingTimeWindows : WindowAssigner<TimeWindow>
{
    private SlidingProcessingTimeWindows(long sizeMs, long slideMs, long offsetMs)
    {
        Size = sizeMs;
        Slide = slideMs;
        Offset = offsetMs;
    }

    public long Size { get; }

    public long Slide { get; }

    public long Offset { get; }

    public override bool IsEventTime => false;

    public static SlidingProcessingTimeWindows Of(TimeSpan size, TimeSpan slide, TimeSpan offset = default)
    {
        var (sizeMs, slideMs, offsetMs) = SlidingWindows.Validate(nameof(SlidingProcessingTimeWindows), size, slide, offset);
        return new(sizeMs, slideMs, offsetMs);
    }

    public override IReadOnlyList<TimeWindow> AssignWindows<T>(T element, long timestamp, IWindowAssignerContext context) =>
        SlidingWindows.Containing(context.CurrentProcessingTime, Size, Slide, Offset);

    public override ITrigger<TimeWindow> GetDefaultTrigger() => ProcessingTimeTrigger.Create();

    public override string ToString() => $"SlidingProcessingTimeWindows({Size}, {Slide})";
}
