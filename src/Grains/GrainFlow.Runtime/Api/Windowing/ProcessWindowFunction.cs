using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Computes a window's result from all its elements, with access to the window, time and state
/// (Flink's <c>ProcessWindowFunction</c>). Given after an incremental <c>Reduce</c> or <c>Aggregate</c>,
/// it receives the single pre-aggregated value instead of the elements.
/// </summary>
public abstract class ProcessWindowFunction<TIn, TOut, TKey, W> where W : Window
{
    /// <summary>Called when the window fires, with its elements (or its one pre-aggregated value).</summary>
    public abstract void Process(TKey key, Context context, IEnumerable<TIn> elements, ICollector<TOut> output);

    /// <summary>The window is purged for good: delete what this function kept in <see cref="Context.WindowState"/>.</summary>
    public virtual void Clear(Context context) { }

    /// <summary>What the function may ask of the window it runs for.</summary>
    public abstract class Context
    {
        public abstract W Window { get; }

        public abstract long CurrentProcessingTime { get; }

        public abstract long CurrentWatermark { get; }

        /// <summary>State of the current key and this window; it is deleted with the window (clear it in <see cref="Clear"/>).</summary>
        public abstract IKeyedStateStore WindowState { get; }

        /// <summary>State of the current key shared by all its windows.</summary>
        public abstract IKeyedStateStore GlobalState { get; }
    }
}
