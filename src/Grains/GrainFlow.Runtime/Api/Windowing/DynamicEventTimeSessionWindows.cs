namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Event-time session windows whose gap each element decides (Flink's <c>DynamicEventTimeSessionWindows</c>):
/// an element opens [timestamp, timestamp + gapExtractor(element)); windows that overlap or touch merge.
/// Create with <see cref="EventTimeSessionWindows.WithDynamicGap{T}"/>.
/// </summary>
public sealed class DynamicEventTimeSessionWindows<TElement> : MergingWindowAssigner<TimeWindow>
{
    private readonly Func<TElement, TimeSpan> _gapExtractor;

    internal DynamicEventTimeSessionWindows(Func<TElement, TimeSpan> gapExtractor) =>
        _gapExtractor = gapExtractor ?? throw new ArgumentNullException(nameof(gapExtractor), "DynamicEventTimeSessionWindows needs a gap extractor: pass a function from the element to its session gap.");

    public override bool IsEventTime => true;

    public override IReadOnlyList<TimeWindow> AssignWindows<T>(T element, long timestamp, IWindowAssignerContext context)
    {
        var start = WindowParameters.EventTimestamp(nameof(DynamicEventTimeSessionWindows<TElement>), timestamp);
        return [new TimeWindow(start, start + DynamicSessionGap.Of(nameof(DynamicEventTimeSessionWindows<TElement>), _gapExtractor, element))];
    }

    public override ITrigger<TimeWindow> GetDefaultTrigger() => EventTimeTrigger.Create();

    public override void MergeWindows(IEnumerable<TimeWindow> windows, Action<IReadOnlyCollection<TimeWindow>, TimeWindow> merge) =>
        TimeWindow.MergeWindows(windows, merge);

    internal override void CheckElementType(Type elementType) => DynamicSessionGap.CheckElementType<TElement>(nameof(DynamicEventTimeSessionWindows<TElement>), elementType);

    public override string ToString() => "DynamicEventTimeSessionWindows()";
}
