namespace GrainFlow.Runtime.Api.Functions;

/// <summary>
/// An aggregate function whose accumulators can be combined (Flink's <c>AggregateFunction.merge</c>):
/// needed where windows merge, as session windows do, so their accumulators merge instead of being recomputed.
/// </summary>
public interface IMergingAggregateFunction<in TIn, TAcc, out TOut> : IAggregateFunction<TIn, TAcc, TOut>
{
    /// <summary>One accumulator holding what both hold.</summary>
    TAcc Merge(TAcc a, TAcc b);
}
