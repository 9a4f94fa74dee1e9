using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>Turns a fired window's contents into results (Flink's <c>InternalWindowFunction</c>).</summary>
internal abstract class InternalWindowFunction<TContents, TOut, TKey, W> where W : Window
{
    public abstract void Process(TKey key, IWindowFunctionContext<W> context, TContents contents, ICollector<TOut> output);

    /// <summary>The window is purged for good.</summary>
    public virtual void Clear(TKey key, IWindowFunctionContext<W> context) { }
}

/// <summary>What a window function sees of the window it runs for.</summary>
internal interface IWindowFunctionContext<out W> where W : Window
{
    W Window { get; }

    long CurrentProcessingTime { get; }

    long CurrentWatermark { get; }

    IKeyedStateStore WindowState { get; }

    IKeyedStateStore GlobalState { get; }
}

/// <summary>Emits the contents themselves: the reduced value, or the aggregate's result (Flink's <c>PassThroughWindowFunction</c>).</summary>
internal sealed class PassThroughWindowFunction<T, TKey, W> : InternalWindowFunction<T, T, TKey, W> where W : Window
{
    public override void Process(TKey key, IWindowFunctionContext<W> context, T contents, ICollector<T> output) => output.Collect(contents);
}

/// <summary>
/// Calls a user's <see cref="ProcessWindowFunction{TIn, TOut, TKey, W}"/> with the elements of the
/// contents: all of them, or the one pre-aggregated value of an incremental reduce or aggregate.
/// </summary>
internal sealed class ProcessWindowFunctionAdapter<TContents, TIn, TOut, TKey, W>(
    Func<TContents, IEnumerable<TIn>> elements, ProcessWindowFunction<TIn, TOut, TKey, W> function)
    : InternalWindowFunction<TContents, TOut, TKey, W> where W : Window
{
    private readonly Context _context = new();

    public override void Process(TKey key, IWindowFunctionContext<W> context, TContents contents, ICollector<TOut> output)
    {
        _context.Inner = context;
        function.Process(key, _context, elements(contents), output);
    }

    public override void Clear(TKey key, IWindowFunctionContext<W> context)
    {
        _context.Inner = context;
        function.Clear(_context);
    }

    private sealed class Context : ProcessWindowFunction<TIn, TOut, TKey, W>.Context
    {
        public IWindowFunctionContext<W> Inner { get; set; } = null!;

        public override W Window => Inner.Window;

        public override long CurrentProcessingTime => Inner.CurrentProcessingTime;

        public override long CurrentWatermark => Inner.CurrentWatermark;

        public override IKeyedStateStore WindowState => Inner.WindowState;

        public override IKeyedStateStore GlobalState => Inner.GlobalState;
    }
}
