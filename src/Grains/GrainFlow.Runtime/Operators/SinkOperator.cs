using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sinks;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Operators;

internal sealed partial class SinkOperator<T>(string uid, string name, ISink<T> sink) : OperatorBase<T>(uid, name), ISinkOperator
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

    public SinkSnapshot SnapshotState(long checkpointId)
    {
        if (Transactional is not { } writer) return SinkSnapshot.None;
        var transaction = writer.PreCommit(checkpointId);
        if (transaction is not null) _pending.Add(checkpointId, transaction.Committable);
        return new SinkSnapshot(_pending.ToBytes(), transaction?.StageAsync);
    }

    public async Task NotifyCheckpointCompleteAsync(long checkpointId)
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

    public async Task RestoreAsync(IReadOnlyList<byte[]> restoredStates, IReadOnlyCollection<int> predecessorSubtasks)
    {
        if (Transactional is not { } writer) return;
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
