namespace GrainFlow.Runtime.Api.Functions;

/// <summary>An incremental aggregation: an accumulator per key, updated by each record, read out as a result.</summary>
public interface IAggregateFunction<in TIn, TAcc, out TOut>
{
    TAcc CreateAccumulator();

    TAcc Add(TIn value, TAcc accumulator);

    TOut GetResult(TAcc accumulator);

    /// <summary>Combines two accumulators into one (as Flink's AggregateFunction.merge): merging windows merge their state with it instead of recomputing it.</summary>
    TAcc Merge(TAcc a, TAcc b);
}
