using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>Everything a window operator is declared with, as <c>WindowedStream</c> collected and checked it.</summary>
internal sealed record WindowOperatorSpec<TIn, TContents, TOut, TKey, W>(
    WindowAssigner<W> Assigner,
    ITrigger<W> Trigger,
    long AllowedLatenessMs,
    WindowContents<TIn, TContents> Contents,
    InternalWindowFunction<TContents, TOut, TKey, W> Function) where W : Window;
