namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Processing-time session windows (Flink's <c>ProcessingTimeSessionWindows</c>): each element opens
/// [now, now + gap) at the current processing time, and windows that overlap or touch merge, so a session ends after a
/// gap without elements.
/// </summary>
public sealed class ProcessingTimeSessionWindows : MergingWindowAssigner<TimeWindow>
{
    private ProcessingTimeSessionWindows(long gapMs) => Gap = gapMs;

    /// <summary>The session gap in milliseconds.</summary>
    public long Gap { get; }

    public override bool IsEventTime => false;

    public static ProcessingTimeSessionWindows WithGap(TimeSpan gap) => new(WindowParameters.Length(nameof(ProcessingTimeSessionWindows), "gap", gap));

    /// <summary>Sessions whose gap each element decides (Flink's <c>withDynamicGap</c>).</summary>
    public static DynamicProcessingTimeSessionWindows<T> WithDynamicGap<T>(Func<T, TimeSpan> gapExtractor) => new(gapExtractor);

    public override IReadOnlyList<TimeWindow> AssignWindows<T>(T element, long timestamp, IWindowAssignerContext context)
    {
        var start = context.CurrentProcessingTime;
        return [new TimeWindow(start, start + Gap)];
    }

    public override ITrigger<TimeWindow> GetDefaultTrigger() => ProcessingTimeTrigger.Create();

    public override void MergeWindows(IEnumerable<TimeWindow> windows, Action<IReadOnlyCollection<TimeWindow>, TimeWindow> merge) =>
        TimeWindow.MergeWindows(windows, merge);

    public override string ToString() => $"ProcessingTimeSessionWindows({Gap})";
}
