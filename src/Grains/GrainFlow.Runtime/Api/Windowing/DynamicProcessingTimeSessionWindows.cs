namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Processing-time session windows whose gap each element decides (Flink's <c>DynamicProcessingTimeSessionWindows</c>):
/// an element opens [now, now + gapExtractor(element)) at the current processing time; windows that overlap or touch merge.
/// Create with <see cref="ProcessingTimeSessionWindows.WithDynamicGap{T}"/>.
/// </summary>
public sealed class DynamicProcessingTimeSessionWindows<TElement> : MergingWindowAssigner<TimeWindow>
{
    private readonly Func<TElement, TimeSpan> _gapExtractor;

    internal DynamicProcessingTimeSessionWindows(Func<TElement, TimeSpan> gapExtractor) =>
        _gapExtractor = gapExtractor ?? throw new ArgumentNullException(nameof(gapExtractor), "DynamicProcessingTimeSessionWindows needs a gap extractor: pass a function from the element to its session gap.");

    public override bool IsEventTime => false;

    public override IReadOnlyList<TimeWindow> AssignWindows<T>(T element, long timestamp, IWindowAssignerContext context)
    {
        var start = context.CurrentProcessingTime;
        return [new TimeWindow(start, start + DynamicSessionGap.Of(nameof(DynamicProcessingTimeSessionWindows<TElement>), _gapExtractor, element))];
    }

    public override ITrigger<TimeWindow> GetDefaultTrigger() => ProcessingTimeTrigger.Create();

    public override void MergeWindows(IEnumerable<TimeWindow> windows, Action<IReadOnlyCollection<TimeWindow>, TimeWindow> merge) =>
        TimeWindow.MergeWindows(windows, merge);

    internal override void CheckElementType(Type elementType) => DynamicSessionGap.CheckElementType<TElement>(nameof(DynamicProcessingTimeSessionWindows<TElement>), elementType);

    public override string ToString() => "DynamicProcessingTimeSessionWindows()";
}
