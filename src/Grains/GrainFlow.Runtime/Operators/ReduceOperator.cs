using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Operators;

/// <summary>Rolling reduce per key (Flink's KeyedStream.reduce): emits the new reduced value for every record.</summary>
internal sealed class ReduceOperator<TKey, T>(string uid, string name, Func<T, TKey> keySelector, Func<T, T, T> reduce, ICollector<T> output)
    : KeyedOperatorBase<TKey, T>(uid, name, keySelector)
    where TKey : notnull
{
    /// <summary>The reduced values' state name, as in every snapshot written so far.</summary>
    public const string StateName = "reduce";
    private IReducingState<T> _state = null!;

    protected override void OpenKeyed() => _state = Backend.GetReducingState(new ReducingStateDescriptor<T>(StateName, reduce));

    protected override void ProcessKeyed(T record)
    {
        _state.Add(record);
        output.Collect(_state.Get()!);
    }
}
