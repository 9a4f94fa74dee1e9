using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Operators.Windowing;

namespace GrainFlow.Runtime.Api;

/// <summary>
/// A keyed stream cut into windows (Flink's <c>WindowedStream</c>): set the trigger, the allowed
/// lateness and the late-data side output, then give the window function — <see cref="Reduce(Func{T, T, T}, string)"/>,
/// <see cref="Aggregate{TAcc, TOut}(IAggregateFunction{T, TAcc, TOut}, string)"/>, <see cref="Process{TOut}"/>,
/// or an incremental reduce or aggregate followed by a process window function.
/// </summary>
public sealed class WindowedStream<T, TKey, W> where TKey : notnull where W : Window
{
    private readonly DataStream<T> _input;
    private readonly Func<T, TKey> _keySelector;
    private readonly WindowAssigner<W> _assigner;
    private ITrigger<W> _trigger;
    private long _allowedLatenessMs;
    private OutputTag<T>? _lateDataTag;

    internal WindowedStream(DataStream<T> input, Func<T, TKey> keySelector, WindowAssigner<W> assigner)
    {
        ArgumentNullException.ThrowIfNull(assigner);
        assigner.CheckElementType(typeof(T));
        _input = input;
        _keySelector = keySelector;
        _assigner = assigner;
        _trigger = assigner.GetDefaultTrigger();
    }

    /// <summary>Replaces the assigner's default trigger; merging assigners (sessions) need a trigger that can merge.</summary>
    public WindowedStream<T, TKey, W> Trigger(ITrigger<W> trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        if (_assigner is MergingWindowAssigner<W> && !trigger.CanMerge)
        {
            throw new ArgumentException(
                $"A merging window assigner ({_assigner}) cannot be used with a trigger that does not support merging ({trigger}); " +
                "use a trigger whose CanMerge is true, or a non-merging assigner.", nameof(trigger));
        }
        _trigger = trigger;
        return this;
    }

    /// <summary>
    /// How long after a window's end (by the watermark) its state is kept: elements arriving in that
    /// time fire the window again (late firings); later ones are dropped and counted, or go to
    /// <see cref="SideOutputLateData"/>. Event-time windows only; default zero.
    /// </summary>
    public WindowedStream<T, TKey, W> AllowedLateness(TimeSpan lateness)
    {
        if (lateness < TimeSpan.Zero || lateness.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new ArgumentException($"The allowed lateness cannot be negative and must be whole milliseconds, got {lateness}; pass zero or a positive lateness.", nameof(lateness));
        }
        if (!_assigner.IsEventTime && lateness > TimeSpan.Zero)
        {
            // Flink ignores it silently; saying so is kinder than a lateness that never applies.
            throw new ArgumentException($"Allowed lateness applies to event-time windows only, but {_assigner} is on processing time; remove AllowedLateness.", nameof(lateness));
        }
        _allowedLatenessMs = lateness.Ticks / TimeSpan.TicksPerMillisecond;
        return this;
    }

    /// <summary>Sends elements later than the allowed lateness to the side output <paramref name="tag"/> instead of dropping them.</summary>
    public WindowedStream<T, TKey, W> SideOutputLateData(OutputTag<T> tag)
    {
        _lateDataTag = tag ?? throw new ArgumentNullException(nameof(tag), "SideOutputLateData needs the output tag to send late elements to.");
        return this;
    }

    /// <summary>Reduces each window's elements incrementally; emits the reduced value when the window fires.</summary>
    public DataStream<T> Reduce(Func<T, T, T> reduce, string name = "Window(Reduce)") =>
        Add(name, new ReducingContents<T>(Checked(reduce)), new PassThroughWindowFunction<T, TKey, W>());

    /// <summary>Reduces each window's elements incrementally and gives the reduced value to <paramref name="function"/> when the window fires.</summary>
    public DataStream<TOut> Reduce<TOut>(Func<T, T, T> reduce, ProcessWindowFunction<T, TOut, TKey, W> function, string name = "Window(Reduce, Process)") =>
        Add(name, new ReducingContents<T>(Checked(reduce)), new ProcessWindowFunctionAdapter<T, T, TOut, TKey, W>(value => [value], Checked(function)));

    /// <summary>Aggregates each window's elements incrementally; emits the aggregate's result when the window fires.</summary>
    public DataStream<TOut> Aggregate<TAcc, TOut>(IAggregateFunction<T, TAcc, TOut> function, string name = "Window(Aggregate)") =>
        Add(name, new AggregatingContents<T, TAcc, TOut>(Checked(function)), new PassThroughWindowFunction<TOut, TKey, W>());

    /// <summary>Aggregates each window's elements incrementally and gives the aggregate's result to <paramref name="windowFunction"/> when the window fires.</summary>
    public DataStream<TOut> Aggregate<TAcc, TResult, TOut>(
        IAggregateFunction<T, TAcc, TResult> function, ProcessWindowFunction<TResult, TOut, TKey, W> windowFunction, string name = "Window(Aggregate, Process)") =>
        Add(name, new AggregatingContents<T, TAcc, TResult>(Checked(function)),
            new ProcessWindowFunctionAdapter<TResult, TResult, TOut, TKey, W>(result => [result], Checked(windowFunction)));

    /// <summary>Keeps every element of each window and gives them all to <paramref name="function"/> when the window fires.</summary>
    public DataStream<TOut> Process<TOut>(ProcessWindowFunction<T, TOut, TKey, W> function, string name = "Window(Process)") =>
        Add(name, new ListContents<T>(), new ProcessWindowFunctionAdapter<IReadOnlyList<T>, T, TOut, TKey, W>(list => list, Checked(function)));

    private DataStream<TOut> Add<TContents, TOut>(string name, WindowContents<T, TContents> contents, InternalWindowFunction<TContents, TOut, TKey, W> function)
    {
        var spec = new WindowOperatorSpec<T, TContents, TOut, TKey, W>(_assigner, _trigger, _allowedLatenessMs, contents, function);
        var env = _input.Environment;
        var node = new WindowNode<TKey, T, TContents, TOut, W>(env.NextNodeId, name, _keySelector, spec, _lateDataTag) { Input = _input.Node, InputPartitioning = PartitionKind.Hash };
        if (_lateDataTag is not null) node.DeclareSideOutputToRead(_lateDataTag, "SideOutputLateData");
        _input.Node.ConsumerPartitioners[node] = new KeyGroupPartitioner<T, TKey>(_keySelector);
        return new DataStream<TOut>(env, env.Add(node));
    }

    private static TFunction Checked<TFunction>(TFunction function) where TFunction : class =>
        function ?? throw new ArgumentNullException(nameof(function), "A window needs its function: pass the reduce, aggregate or process window function.");
}
