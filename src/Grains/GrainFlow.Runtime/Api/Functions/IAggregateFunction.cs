namespace GrainFlow.Runtime.Api.Functions;

/// <summary>An incremental aggregation: an accumulator per key, updated by each record, read out as a result.</summary>
public interface IAggregateFunction<in TIn, TAcc, out TOut>
{
    TAcc CreateAccumulator();

    TAcc Add(TIn value, TAcc accumulator);

    TOut GetResult(TAcc accumulator);
}
