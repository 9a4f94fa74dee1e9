namespace GrainFlow.Runtime.Sinks;

/// <summary>
/// A sink writer with two-phase commit (Flink's TwoPhaseCommittingSink): what it writes between two
/// checkpoint barriers forms one transaction, staged durably but invisible at the barrier
/// (pre-commit) and made visible when that checkpoint completes (commit). Output therefore changes
/// exactly once per record even when the job restarts from a checkpoint and replays.
/// </summary>
/// <remarks>
/// A sink returns such a writer only when the job checkpoints; without checkpoints it returns a
/// plain writer that makes output visible as it flushes.
/// Committables are the writer's own strings (e.g. staged file names); the runtime keeps the pending
/// ones in the checkpoint, so a restore can still commit what a completed checkpoint pre-committed.
/// </remarks>
public interface ITransactionalSinkWriter<in T> : ISinkWriter<T>
{
    /// <summary>
    /// At the barrier of <paramref name="checkpointId"/> (synchronous, so it must be cheap): seals
    /// everything written since the previous barrier into one transaction. Null when nothing was written.
    /// </summary>
    SinkTransaction? PreCommit(long checkpointId);

    /// <summary>Makes a pre-committed transaction visible. Idempotent: a transaction committed before is a success.</summary>
    Task CommitAsync(string committable, CancellationToken cancellationToken);

    /// <summary>
    /// After a restore (or a fresh start): deletes whatever the writers of <paramref name="subtaskIndices"/>
    /// staged and never committed. Called after the restored committables were committed.
    /// </summary>
    Task AbortUncommittedAsync(IReadOnlyCollection<int> subtaskIndices, CancellationToken cancellationToken);
}

/// <summary>A transaction sealed at a barrier: its committable, and the work that makes its staged data durable (run before the acknowledgement).</summary>
public sealed record SinkTransaction(string Committable, Func<CancellationToken, Task> StageAsync);
