namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Session windows: an element opens [time, time + gap), and windows that overlap or touch merge,
/// so a session ends after a gap without elements. The gap is fixed, or each element's own
/// (<see cref="DynamicSessionWindows{TElement}"/>).
/// </summary>
public abstract class SessionWindows : MergingWindowAssigner<TimeWindow>
{
    private protected SessionWindows(string name, bool eventTime)
    {
        Name = name;
        IsEventTime = eventTime;
    }

    private protected string Name { get; }

    public sealed override bool IsEventTime { get; }

    public sealed override IReadOnlyList<TimeWindow> AssignWindows<T>(T element, long timestamp, IWindowAssignerContext context)
    {
        var start = TimeWindowAssignment.TimeOf(Name, IsEventTime, timestamp, context);
        return [new TimeWindow(start, start + GapOf(element))];
    }

    /// <summary>The session gap for <paramref name="element"/>, in milliseconds.</summary>
    private protected abstract long GapOf<T>(T element);

    public sealed override ITrigger<TimeWindow> GetDefaultTrigger() => TimeWindowAssignment.DefaultTrigger(IsEventTime);

    public sealed override void MergeWindows(IEnumerable<TimeWindow> windows, Action<IReadOnlyCollection<TimeWindow>, TimeWindow> merge) =>
        TimeWindow.MergeWindows(windows, merge);
}

/// <summary>Sessions with a fixed gap.</summary>
public abstract class FixedGapSessionWindows : SessionWindows
{
    private protected FixedGapSessionWindows(string name, TimeSpan gap, bool eventTime) : base(name, eventTime) =>
        Gap = WindowParameters.Length(name, "gap", gap);

    /// <summary>The session gap in milliseconds.</summary>
    public long Gap { get; }

    private protected sealed override long GapOf<T>(T element) => Gap;

    public override string ToString() => $"{Name}({Gap})";
}

/// <summary>Event-time session windows (Flink's <c>EventTimeSessionWindows</c>).</summary>
public sealed class EventTimeSessionWindows : FixedGapSessionWindows
{
    private EventTimeSessionWindows(TimeSpan gap) : base(nameof(EventTimeSessionWindows), gap, eventTime: true) { }

    public static EventTimeSessionWindows WithGap(TimeSpan gap) => new(gap);

    /// <summary>Sessions whose gap each element decides (Flink's <c>withDynamicGap</c>).</summary>
    public static DynamicSessionWindows<T> WithDynamicGap<T>(Func<T, TimeSpan> gapExtractor) =>
        new("DynamicEventTimeSessionWindows", gapExtractor, eventTime: true);
}

/// <summary>Processing-time session windows (Flink's <c>ProcessingTimeSessionWindows</c>).</summary>
public sealed class ProcessingTimeSessionWindows : FixedGapSessionWindows
{
    private ProcessingTimeSessionWindows(TimeSpan gap) : base(nameof(ProcessingTimeSessionWindows), gap, eventTime: false) { }

    public static ProcessingTimeSessionWindows WithGap(TimeSpan gap) => new(gap);

    /// <summary>Sessions whose gap each element decides (Flink's <c>withDynamicGap</c>).</summary>
    public static DynamicSessionWindows<T> WithDynamicGap<T>(Func<T, TimeSpan> gapExtractor) =>
        new("DynamicProcessingTimeSessionWindows", gapExtractor, eventTime: false);
}

/// <summary>
/// Sessions whose gap each element decides (Flink's <c>DynamicEventTimeSessionWindows</c> and
/// <c>DynamicProcessingTimeSessionWindows</c>); create them with <c>WithDynamicGap</c>.
/// </summary>
public sealed class DynamicSessionWindows<TElement> : SessionWindows
{
    private readonly Func<TElement, TimeSpan> _gapExtractor;

    internal DynamicSessionWindows(string name, Func<TElement, TimeSpan> gapExtractor, bool eventTime) : base(name, eventTime) =>
        _gapExtractor = gapExtractor ?? throw new ArgumentNullException(nameof(gapExtractor), $"{name} needs a gap extractor: pass a function from the element to its session gap.");

    private protected override long GapOf<T>(T element) => element is TElement typed
        ? WindowParameters.DynamicGap(Name, _gapExtractor(typed), typeof(TElement))
        : throw new InvalidOperationException($"{Name}: its gap extractor takes {typeof(TElement).Name} but got {element?.GetType().Name ?? "null"}; window a stream of {typeof(TElement).Name}.");

    internal override void CheckElementType(Type elementType)
    {
        if (!typeof(TElement).IsAssignableFrom(elementType))
        {
            throw new ArgumentException(
                $"{Name}: its gap extractor takes {typeof(TElement).Name}, but the stream's elements are {elementType.Name}; give the extractor a {elementType.Name} parameter.");
        }
    }

    public override string ToString() => $"{Name}()";
}
