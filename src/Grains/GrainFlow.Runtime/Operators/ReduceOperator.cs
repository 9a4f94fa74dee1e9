using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Operators;

/// <summary>Rolling reduce per key (Flink's KeyedStream.reduce): emits the new reduced value for every record.</summary>
internal sealed class ReduceOperator<TKey, T>(string uid, string name, Func<T, TKey> keySelector, Func<T, T, T> reduce, ICollector<T> output)
    : KeyedOperatorBase<TKey, T>(uid, name, keySelector)
    where TKey : notnull
{
    public const string StateName = "reduce";
    private StateTable<TKey, T> _table = null!;

    protected override void OpenKeyed() => _table = Backend.GetOrCreateTable<T>(StateName);

    protected override void ProcessKeyed(T record)
    {
        ref var slot = ref _table.GetValueRefOrAddDefault(Backend.CurrentGroupIndex, Backend.CurrentKey, out var exists);
        slot = exists ? reduce(slot!, record) : record;
        output.Collect(slot!);
    }
}
