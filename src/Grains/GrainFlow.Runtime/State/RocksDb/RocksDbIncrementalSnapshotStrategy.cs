using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// The native snapshots of one RocksDB backend instance (Flink's RocksIncrementalSnapshotStrategy and, for savepoints,
/// RocksNativeFullSnapshotStrategy): at the barrier a RocksDB checkpoint into <c>chk-&lt;n&gt;</c> of the instance's working
/// directory (hard links: the same file system as the database); in the asynchronous part its files are uploaded — for a
/// checkpoint only the SST files the last confirmed checkpoint did not upload, for a savepoint every file into the
/// savepoint's directory — and the local checkpoint is deleted, or, with local recovery, a checkpoint's is kept as its local copy.
/// </summary>
/// <param name="uploaded">The shared files already uploaded and confirmed (a restored instance starts from the restored handle's).</param>
/// <param name="localRecovery">Where the job keeps local copies of its checkpoints on this silo; null when local recovery is off.</param>
internal sealed class RocksDbIncrementalSnapshotStrategy(RocksDbInstance instance, KeyGroupRange keyGroups, UploadedSharedFiles uploaded,
    LocalRecoveryConfig? localRecovery = null)
{
    // The operator's local copies, once it took a checkpoint (the operator's uid comes with the first one).
    private LocalStateStore? _localState;

    /// <summary>This instance, in the names of the files it uploads: new for every instance, restored ones included.</summary>
    public Guid BackendId { get; } = Guid.NewGuid();

    /// <exception cref="IOException">The checkpoint could not be written under the working directory; nothing of it is left.</exception>
    public INativeKeyedSnapshot Take(string operatorUid, CheckpointBarrier barrier)
    {
        var checkpoint = RocksDbNativeCheckpoint.Take(instance, Path.Combine(instance.WorkingDirectory, $"{CheckpointLayout.CheckpointPrefix}{barrier.CheckpointId}"));
        // What the upload may reuse is decided now, at the barrier, as Flink does: a confirmation arriving meanwhile changes nothing.
        var isCheckpoint = barrier.Target is null;
        if (isCheckpoint) instance.CheckpointTaken();
        var localState = isCheckpoint && localRecovery is not null ? _localState ??= localRecovery.StoreFor(operatorUid, keyGroups) : null;
        return new RocksDbNativeSnapshot(checkpoint, operatorUid, keyGroups, BackendId, isCheckpoint ? uploaded : null, uploaded.Previous, barrier.FullSnapshot, localState);
    }

    /// <summary>Checkpoint <paramref name="checkpointId"/> completed: the next ones reuse its files, and the local copies of older ones go.</summary>
    public void NotifyCheckpointComplete(long checkpointId)
    {
        uploaded.NotifyCheckpointComplete(checkpointId);
        _localState?.Confirm(checkpointId);
    }
}
