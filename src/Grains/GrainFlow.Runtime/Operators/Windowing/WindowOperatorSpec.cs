using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>Everything a window operator is declared with, as <c>WindowedStream</c> collected and checked it.</summary>
internal sealed record WindowOperatorSpec<TIn, TAcc, TOut, TKey, W>(
    WindowAssigner<W> Assigner,
    ITrigger<W> Trigger,
    long AllowedLatenessMs,
    WindowAccumulation<TIn, TAcc> Accumulation,
    InternalWindowFunction<TAcc, TOut, TKey, W> Function) where W : Window;
