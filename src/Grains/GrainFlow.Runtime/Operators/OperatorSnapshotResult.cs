using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.Operators;

/// <summary>
/// What one operator returns at the barrier (Flink's OperatorSnapshotFutures): its frozen state, and
/// the work that must be durable before the subtask acknowledges (a sink staging its pre-committed
/// transaction), run in the background with the state's write.
/// </summary>
internal sealed record OperatorSnapshotResult(CapturedOperatorState Captured, Func<CancellationToken, Task>? StageAsync = null)
{
    /// <summary>An operator without state: it still appears in the snapshot, so a restore finds every operator of the chain.</summary>
    public static OperatorSnapshotResult Stateless(string operatorUid) => new(new CapturedOperatorState(operatorUid, null, [], null));
}
