namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Puts each element into zero or more windows (Flink's <c>WindowAssigner</c>). Assigners of time
/// windows ignore the element itself, so one assigner serves streams of any element type.
/// </summary>
public abstract class WindowAssigner<W> where W : Window
{
    /// <param name="element">The element.</param>
    /// <param name="timestamp">The element's event-time timestamp (<see cref="long.MinValue"/> when it has none).</param>
    /// <param name="context">Gives processing-time assigners the current time.</param>
    public abstract IReadOnlyList<W> AssignWindows<T>(T element, long timestamp, IWindowAssignerContext context);

    /// <summary>The trigger used when <c>WindowedStream.Trigger</c> names none.</summary>
    public abstract ITrigger<W> GetDefaultTrigger();

    /// <summary>Whether windows are on event time (watermarks close them) rather than processing time.</summary>
    public abstract bool IsEventTime { get; }

    /// <summary>Throws when the assigner cannot take elements of <paramref name="elementType"/> (checked when the job is built).</summary>
    internal virtual void CheckElementType(Type elementType) { }
}

/// <summary>An assigner whose windows can merge, such as session windows (Flink's <c>MergingWindowAssigner</c>).</summary>
public abstract class MergingWindowAssigner<W> : WindowAssigner<W> where W : Window
{
    /// <summary>Calls <paramref name="merge"/> with each group of <paramref name="windows"/> that merge into one window, and that window.</summary>
    public abstract void MergeWindows(IEnumerable<W> windows, Action<IReadOnlyCollection<W>, W> merge);
}

/// <summary>What an assigner may ask of the operator running it.</summary>
public interface IWindowAssignerContext
{
    /// <summary>The current processing time, epoch milliseconds.</summary>
    long CurrentProcessingTime { get; }
}
