using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Operators;

/// <summary>Rolling aggregate per key: updates the key's accumulator and emits its current result for every record.</summary>
internal sealed class AggregateOperator<TKey, TIn, TAcc, TOut>(
    string uid, string name, Func<TIn, TKey> keySelector, IAggregateFunction<TIn, TAcc, TOut> function, ICollector<TOut> output)
    : KeyedOperatorBase<TKey, TIn>(uid, name, keySelector)
    where TKey : notnull
{
    /// <summary>The accumulators' state name, as in every snapshot written so far.</summary>
    public const string StateName = "accumulator";
    private IAggregatingState<TIn, TOut> _state = null!;

    protected override void OpenKeyed() => _state = Backend.GetAggregatingState(new AggregatingStateDescriptor<TIn, TAcc, TOut>(StateName, function));

    protected override void ProcessKeyed(TIn record)
    {
        _state.Add(record);
        output.Collect(_state.Get()!);
    }
}
