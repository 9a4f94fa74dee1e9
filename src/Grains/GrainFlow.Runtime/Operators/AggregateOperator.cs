using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Operators;

/// <summary>Rolling aggregate per key: updates the key's accumulator and emits its current result for every record.</summary>
internal sealed class AggregateOperator<TKey, TIn, TAcc, TOut>(
    string uid, string name, Func<TIn, TKey> keySelector, IAggregateFunction<TIn, TAcc, TOut> function, ICollector<TOut> output)
    : KeyedOperatorBase<TKey, TIn>(uid, name, keySelector)
    where TKey : notnull
{
    public const string StateName = "accumulator";
    private StateTable<TKey, TAcc> _table = null!;

    protected override void OpenKeyed() => _table = Backend.GetOrCreateTable<TAcc>(StateName);

    protected override void ProcessKeyed(TIn record)
    {
        ref var slot = ref _table.GetValueRefOrAddDefault(Backend.CurrentGroupIndex, Backend.CurrentKey, out var exists);
        slot = function.Add(record, exists ? slot! : function.CreateAccumulator());
        output.Collect(function.GetResult(slot!));
    }
}
