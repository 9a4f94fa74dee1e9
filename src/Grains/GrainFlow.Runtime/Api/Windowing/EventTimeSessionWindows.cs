namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Event-time session windows (Flink's <c>EventTimeSessionWindows</c>): each element opens
/// [timestamp, timestamp + gap), and windows that overlap or touch merge, so a session ends after a
/// gap without elements.
/// </summary>
public sealed class EventTimeSessionWindows : MergingWindowAssigner<TimeWindow>
{
    private EventTimeSessionWindows(long gapMs) => Gap = gapMs;

    /// <summary>The session gap in milliseconds.</summary>
    public long Gap { get; }

    public override bool IsEventTime => true;

    public static EventTimeSessionWindows WithGap(TimeSpan gap) => new(WindowParameters.Length(nameof(EventTimeSessionWindows), "gap", gap));

    /// <summary>Sessions whose gap each element decides (Flink's <c>withDynamicGap</c>).</summary>
    public static DynamicEventTimeSessionWindows<T> WithDynamicGap<T>(Func<T, TimeSpan> gapExtractor) => new(gapExtractor);

    public override IReadOnlyList<TimeWindow> AssignWindows<T>(T element, long timestamp, IWindowAssignerContext context)
    {
        var start = WindowParameters.EventTimestamp(nameof(EventTimeSessionWindows), timestamp);
        return [new TimeWindow(start, start + Gap)];
    }

    public override ITrigger<TimeWindow> GetDefaultTrigger() => EventTimeTrigger.Create();

    public override void MergeWindows(IEnumerable<TimeWindow> windows, Action<IReadOnlyCollection<TimeWindow>, TimeWindow> merge) =>
        TimeWindow.MergeWindows(windows, merge);

    public override string ToString() => $"EventTimeSessionWindows({Gap})";
}
