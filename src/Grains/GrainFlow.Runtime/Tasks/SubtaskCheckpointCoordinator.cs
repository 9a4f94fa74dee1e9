using System.Diagnostics;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Execution;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Tasks;

/// <summary>
/// The task side of checkpoints for one attempt of one subtask (Flink's SubtaskCheckpointCoordinator):
/// at the barrier it captures every operator's state synchronously (O(buckets), or a RocksDB checkpoint
/// of hard links) and forwards the barrier; the state is serialized and written (or the local checkpoint
/// uploaded) on a pool thread while processing goes on, and the acknowledgement follows the write. It
/// declines what it cannot take part in or take, passes completion notifications to the operators, and
/// lets finishing and cancelling wait for writes in flight.
/// </summary>
/// <param name="writesInFlight">The previous attempt's writes still running: settling waits for them too.</param>
internal sealed partial class SubtaskCheckpointCoordinator(
    TaskDeployment deployment, OperatorChain chain, CheckpointStorage checkpoints, StateCodecs codecs, long inlineThreshold,
    ICheckpointResponder responder, TimeProvider time, ILogger logger, CancellationToken cancellation, IEnumerable<Task>? writesInFlight = null)
{
    /// <summary>How long finishing or cancelling waits for snapshot writes in flight.</summary>
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    // For the generated log methods.
    private readonly ILogger _logger = logger;
    // Snapshot writes in flight: finishing and cancelling wait for them, so no file of this subtask
    // lands after the job's checkpoint directory was cleaned up.
    private readonly List<Task> _writes = writesInFlight?.Where(t => !t.IsCompleted).ToList() ?? new List<Task>();

    public IReadOnlyCollection<Task> WritesInFlight => _writes;

    private SubtaskId Subtask => new(deployment.VertexUid, deployment.SubtaskIndex);

    /// <summary>
    /// The synchronous part of a checkpoint: freeze every operator's state, then (when
    /// <paramref name="forward"/>) put the barrier behind everything emitted so far; the write and the
    /// acknowledgement happen in the background.
    /// </summary>
    public void CheckpointState(CheckpointBarrier barrier, TimeSpan alignment, bool forward)
    {
        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<Operators.OperatorSnapshotResult> results;
        try
        {
            results = chain.SnapshotState(barrier);
        }
        catch (Exception e)
        {
            // As in Flink, a snapshot that cannot be taken (a RocksDB checkpoint on a full or read-only local disk)
            // declines the checkpoint and the subtask goes on; the barrier still goes on too, so that no subtask
            // downstream waits for it while the coordinator aborts the checkpoint.
            if (forward) chain.Network?.FlushAll(barrier);
            LogSnapshotFailed(e, barrier.CheckpointId, deployment.VertexUid, deployment.SubtaskIndex);
            Track(DeclineAsync(deployment.Attempt, barrier.CheckpointId, $"taking the snapshot failed: {e.Message}", true));
            return;
        }
        if (forward) chain.Network?.FlushAll(barrier);
        var sync = Stopwatch.GetElapsedTime(started);
        Track(WriteAndAcknowledgeAsync(barrier, results, sync, alignment));
    }

    private void Track(Task write)
    {
        _writes.RemoveAll(t => t.IsCompleted);
        _writes.Add(write);
    }

    /// <summary>Tells the coordinator this subtask does not take part in checkpoint <paramref name="checkpointId"/> of <paramref name="attempt"/>; a failed decline is only logged.</summary>
    public async Task DeclineAsync(long attempt, long checkpointId, string reason, bool countsAsFailure)
    {
        try
        {
            await responder.DeclineAsync(attempt, checkpointId, Subtask, reason, countsAsFailure);
        }
        catch (Exception e)
        {
            LogSnapshotFailed(e, checkpointId, deployment.VertexUid, deployment.SubtaskIndex);
        }
    }

    /// <summary>
    /// Checkpoint <paramref name="checkpointId"/> completed: the operators act on it (sinks commit)
    /// before this returns, also after the subtask finished (its final checkpoint commits its last
    /// output). A non-recoverable failure is thrown.
    /// </summary>
    public async Task NotifyCheckpointCompleteAsync(long checkpointId)
    {
        LogCheckpointComplete(checkpointId, deployment.VertexUid, deployment.SubtaskIndex);
        await chain.NotifyCheckpointCompleteAsync(checkpointId);
    }

    /// <summary>Waits (at most <see cref="SettleTimeout"/>) for snapshot writes in flight to be acknowledged or abandoned.</summary>
    public async Task SettleWritesAsync()
    {
        var writes = _writes.Where(t => !t.IsCompleted).ToArray();
        _writes.Clear();
        if (writes.Length > 0) await Task.WhenAny(Task.WhenAll(writes), Task.Delay(SettleTimeout, time));
    }

    private async Task WriteAndAcknowledgeAsync(CheckpointBarrier barrier, IReadOnlyList<Operators.OperatorSnapshotResult> results, TimeSpan sync, TimeSpan alignment)
    {
        var checkpointId = barrier.CheckpointId;
        var started = Stopwatch.GetTimestamp();
        try
        {
            // A savepoint goes to its own directory, which holds everything it needs; a checkpoint to chk-n.
            var location = barrier.Target is { } target
                ? SnapshotLocation.At(target.Location, deployment.Configuration)
                : new SnapshotLocation(checkpoints.Store, checkpoints.Key(CheckpointLayout.CheckpointDirectory(deployment.JobId, checkpointId)), "");
            // A savepoint's native snapshots hold every file themselves; a checkpoint's share theirs in the job's shared/.
            var nativeTarget = barrier.Target is null
                ? IncrementalSnapshotTarget.ForCheckpoint(checkpoints, deployment.JobId, checkpointId)
                : IncrementalSnapshotTarget.ForSavepoint(location, deployment.JobId, checkpointId);
            // Checkpoints are native; a savepoint's state is written in the format it was asked for.
            var formatCodecs = barrier.Target is { } savepoint ? codecs.In(savepoint.Format) : codecs;
            var captured = results.Select(r => r.Captured).ToList();
            // A sink's pre-committed transaction must be durable before the acknowledgement: once the
            // checkpoint completes, a restore commits it.
            var staged = Task.WhenAll(results.Where(r => r.StageAsync is not null).Select(r => Task.Run(() => r.StageAsync!(cancellation), cancellation)));
            // Off the grain's scheduler: the captured state is immutable, so serializing and writing
            // it does not hold up the records this subtask keeps processing.
            // The asynchronous duration ends when the state and the sinks' transactions are durable, as
            // in Flink: measured there, not after this activation got back to its turn (which waits for
            // the batch being processed, and says nothing about the snapshot).
            var (operators, duration) = await Task.Run(async () =>
            {
                var written = await SubtaskSnapshotWriter.WriteAsync(captured, location.Store, location.DirectoryKey,
                    deployment.VertexUid, deployment.SubtaskIndex, inlineThreshold, formatCodecs, nativeTarget, cancellation);
                // Written: let the tables go now, not after the acknowledgement's round trip and this activation's
                // next turn. Until then every write to a captured bucket goes through its overlay.
                ReleaseTables(captured);
                await staged;
                return (written, Stopwatch.GetElapsedTime(started));
            }, cancellation);
            var snapshot = new SubtaskSnapshot(deployment.VertexUid, deployment.SubtaskIndex, operators, sync, duration, alignment);
            await responder.AcknowledgeAsync(deployment.Attempt, checkpointId, snapshot);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogSnapshotFailed(e, checkpointId, deployment.VertexUid, deployment.SubtaskIndex);
            await DeclineAsync(deployment.Attempt, checkpointId, $"writing the snapshot failed: {e.Message}", true);
        }
        finally
        {
            // A local checkpoint is deleted after its upload; this deletes those a cancelled write never started to upload.
            foreach (var result in results) result.Captured.NativeKeyedState?.Dispose();
            ReleaseTables(results.Select(r => r.Captured));
        }
    }

    /// <summary>Nothing reads the captured tables any more: the heap's tables fold the writes made meanwhile back in, RocksDB's snapshots go. Once per table, however often called.</summary>
    private static void ReleaseTables(IEnumerable<CapturedOperatorState> captured)
    {
        foreach (var table in captured.SelectMany(c => c.Tables)) (table as IDisposable)?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot of checkpoint {CheckpointId} by {Vertex} subtask {Subtask} failed")]
    private partial void LogSnapshotFailed(Exception exception, long checkpointId, string vertex, int subtask);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Checkpoint {CheckpointId} complete for {Vertex} subtask {Subtask}")]
    private partial void LogCheckpointComplete(long checkpointId, string vertex, int subtask);
}
