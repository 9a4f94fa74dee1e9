namespace GrainFlow.Runtime.Operators;

/// <summary>
/// The event-time timestamp of the record being processed, shared by every operator of one chain.
/// Records travel through a chain as plain values (no per-record wrapper, as Flink's StreamRecord
/// would be), so the timestamp rides beside them: the chain's input sets it before each record, an
/// operator that emits a record with another timestamp (a timestamp assigner, a window firing, an
/// event-time timer) sets it before it collects, and the network output reads it into the batch.
/// Processing is synchronous within a chain, so one slot per chain is enough.
/// </summary>
internal sealed class RecordTimestamp
{
    /// <summary>The record has no timestamp (Flink's <c>Long.MIN_VALUE</c> "no timestamp").</summary>
    public const long None = long.MinValue;

    public long Current { get; set; } = None;

    public bool HasTimestamp => Current != None;
}
