using System.Collections.Immutable;
using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>
/// How a window's contents grow with its elements and how the contents of merging windows combine
/// (the role of Flink's reducing, aggregating and list window state). Contents are replaced, never
/// changed in place, because a snapshot may still hold the previous value.
/// </summary>
internal abstract class WindowAccumulation<TIn, TAcc>
{
    public abstract TAcc First(TIn value);

    public abstract TAcc Add(TAcc contents, TIn value);

    public abstract TAcc Merge(TAcc target, TAcc source);
}

/// <summary>Incremental reduce: the contents are the elements reduced so far.</summary>
internal sealed class ReduceAccumulation<T>(Func<T, T, T> reduce) : WindowAccumulation<T, T>
{
    public override T First(T value) => value;

    public override T Add(T contents, T value) => reduce(contents, value);

    public override T Merge(T target, T source) => reduce(target, source);
}

/// <summary>Incremental aggregate: the contents are the accumulator; merging windows merge their accumulators.</summary>
internal sealed class AggregateAccumulation<TIn, TAcc, TOut>(IAggregateFunction<TIn, TAcc, TOut> function) : WindowAccumulation<TIn, TAcc>
{
    public override TAcc First(TIn value) => function.Add(value, function.CreateAccumulator());

    public override TAcc Add(TAcc contents, TIn value) => function.Add(value, contents);

    public override TAcc Merge(TAcc target, TAcc source) => function.Merge(target, source);
}

/// <summary>All elements, for a process window function without incremental aggregation.</summary>
internal sealed class ListAccumulation<T> : WindowAccumulation<T, ImmutableList<T>>
{
    public override ImmutableList<T> First(T value) => [value];

    public override ImmutableList<T> Add(ImmutableList<T> contents, T value) => contents.Add(value);

    public override ImmutableList<T> Merge(ImmutableList<T> target, ImmutableList<T> source) => target.AddRange(source);
}
