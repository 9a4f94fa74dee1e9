namespace GrainFlow.Runtime.Operators;

/// <summary>
/// An operator that writes a job's results. Its FlushAsync does work, so the subtask calls it after
/// every batch; with a transactional writer it also takes part in checkpoints (two-phase commit).
/// </summary>
internal interface ISinkOperator
{
    /// <summary>At the barrier: pre-commits what was written since the previous one and returns the state to checkpoint.</summary>
    SinkSnapshot SnapshotState(long checkpointId);

    /// <summary>
    /// Commits every pending transaction up to <paramref name="checkpointId"/> (notifications may be
    /// skipped). A commit that fails stays pending, unless it can never succeed: then it throws a
    /// <see cref="GrainFlow.Errors.NonRecoverableJobException"/>.
    /// </summary>
    Task NotifyCheckpointCompleteAsync(long checkpointId);

    /// <summary>
    /// Before the first record: commits what the restored checkpoint had pre-committed (it completed,
    /// so its transactions belong to the output), then aborts what the writers of
    /// <paramref name="predecessorSubtasks"/> staged and never committed.
    /// </summary>
    Task RestoreAsync(IReadOnlyList<byte[]> restoredStates, IReadOnlyCollection<int> predecessorSubtasks);
}

/// <summary>The sink's part of a snapshot: its pending committables (null for a non-transactional sink) and the staging work to finish before the acknowledgement.</summary>
internal sealed record SinkSnapshot(byte[]? State, Func<CancellationToken, Task>? StageAsync)
{
    public static readonly SinkSnapshot None = new(null, null);
}
