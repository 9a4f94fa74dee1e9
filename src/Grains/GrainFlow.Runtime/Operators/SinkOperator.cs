using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Sinks;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Operators;

/// <summary>
/// Writes a job's results. With a transactional writer it takes part in checkpoints (two-phase
/// commit): its pending transactions are its operator state.
/// </summary>
internal sealed partial class SinkOperator<T>(string uid, string name, ISink<T> sink) : OperatorBase<T>(uid, name)
{
    private ISinkWriter<T> _writer = null!;
    private readonly PendingCommittables _pending = new();
    // Notifications interleave with each other (the subtask is reentrant): commits run one at a time, in checkpoint order.
    private readonly SemaphoreSlim _commitLock = new(1, 1);

    private ITransactionalSinkWriter<T>? Transactional => _writer as ITransactionalSinkWriter<T>;

    public override void Open(OperatorContext context)
    {
        base.Open(context);
        _writer = sink.CreateWriter(new SubtaskInfo(context.JobId, context.JobName, Uid, context.SubtaskIndex, context.Parallelism, context.Configuration, context.Services));
    }

    public override void Collect(T record) => _writer.Write(record);

    public override ValueTask FlushAsync(FlushReason reason) => _writer.FlushAsync(reason, CancellationToken.None);

    /// <summary>At the barrier: pre-commits what was written since the previous one; the transaction is staged durably before the acknowledgement.</summary>
    public override OperatorSnapshotResult SnapshotState(Channels.CheckpointBarrier barrier)
    {
        if (Transactional is not { } writer) return OperatorSnapshotResult.Stateless(Uid);
        var transaction = writer.PreCommit(barrier.CheckpointId);
        if (transaction is not null) _pending.Add(barrier.CheckpointId, transaction.Committable);
        return new OperatorSnapshotResult(new CapturedOperatorState(Uid, null, [], null, _pending.ToBytes()), transaction?.StageAsync);
    }

    /// <summary>
    /// Commits every pending transaction up to <paramref name="checkpointId"/>. A commit that fails
    /// stays pending, unless it can never succeed: then it throws a <see cref="NonRecoverableJobException"/>.
    /// </summary>
    public override async Task NotifyCheckpointCompleteAsync(long checkpointId)
    {
        if (Transactional is not { } writer) return;
        await _commitLock.WaitAsync();
        try
        {
            foreach (var (id, committable) in _pending.UpTo(checkpointId))
            {
                try
                {
                    await writer.CommitAsync(committable, CancellationToken.None);
                    _pending.Remove(id, committable);
                }
                catch (Exception e) when (!FailureCause.IsNonRecoverable(e))
                {
                    // It stays pending: the next notification, or a restore of a checkpoint holding it, commits it.
                    LogCommitFailed(Context.Logger, e, Uid, Context.SubtaskIndex, id);
                    return;
                }
            }
        }
        finally
        {
            _commitLock.Release();
        }
    }

    /// <summary>
    /// Before the first record: commits what the restored checkpoint had pre-committed (it completed,
    /// so its transactions belong to the output), then aborts what the writers of the predecessor
    /// subtasks (this one, and those it takes over when parallelism shrinks) staged and never committed.
    /// </summary>
    public override async Task InitializeStateAsync()
    {
        if (Transactional is not { } writer) return;
        var restoredStates = Context.Restore?.OperatorStates ?? [];
        var predecessorSubtasks = Context.Restore?.PredecessorSubtasks ?? [Context.SubtaskIndex];
        var restored = restoredStates.Select(PendingCommittables.FromBytes).SelectMany(p => p.UpTo(long.MaxValue)).OrderBy(p => p.CheckpointId).ToList();
        foreach (var (id, committable) in restored)
        {
            try
            {
                await writer.CommitAsync(committable, CancellationToken.None);
            }
            catch (Exception e)
            {
                var message = $"Sink '{Uid}' subtask {Context.SubtaskIndex} could not commit the output that checkpoint {id} pre-committed: {e.Message}";
                // A transaction that can never be committed fails the job at once: restarting would only fail the same way.
                if (FailureCause.IsNonRecoverable(e)) throw new NonRecoverableJobException(message, e);
                throw new InvalidOperationException(message, e);
            }
        }
        if (restored.Count > 0) LogRecommitted(Context.Logger, Uid, Context.SubtaskIndex, restored.Count);
        await writer.AbortUncommittedAsync(predecessorSubtasks, CancellationToken.None);
    }

    public override void Close() => _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sink {Uid} subtask {Subtask}: committing the transaction of checkpoint {CheckpointId} failed; it stays pending")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string uid, int subtask, long checkpointId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sink {Uid} subtask {Subtask}: committed {Count} transaction(s) the restored checkpoint had pre-committed")]
    private static partial void LogRecommitted(ILogger logger, string uid, int subtask, int count);
}
