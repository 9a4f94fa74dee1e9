using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Operators;

/// <summary>Base of operators after a keyBy: owns the subtask's keyed state backend.</summary>
internal abstract class KeyedOperatorBase<TKey, TIn>(string uid, string name, Func<TIn, TKey> keySelector)
    : OperatorBase<TIn>(uid, name), IKeyedOperator
    where TKey : notnull
{
    protected KeyedStateBackend<TKey> Backend { get; private set; } = null!;

    public IReadOnlyCollection<IStateTable> StateTables => Backend.Tables;

    /// <summary>Freezes every state table in O(buckets): the writes after the barrier copy the buckets they touch.</summary>
    public override OperatorSnapshotResult SnapshotState(long checkpointId) =>
        new(new CapturedOperatorState(Uid, Backend.KeyGroups, Backend.CaptureSnapshot(), null));

    public override void Open(OperatorContext context)
    {
        base.Open(context);
        Backend = new KeyedStateBackend<TKey>(context.KeyGroups, context.MaxParallelism);
        foreach (var restored in context.Restore?.KeyedState ?? []) Backend.AddRestoredState(restored);
        OpenKeyed();
    }

    public sealed override void Collect(TIn record)
    {
        Backend.SetCurrentKey(keySelector(record));
        ProcessKeyed(record);
    }

    protected virtual void OpenKeyed() { }

    protected abstract void ProcessKeyed(TIn record);
}
