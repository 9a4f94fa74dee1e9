using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// One native snapshot of a RocksDB instance between the barrier and its acknowledgement (Flink's
/// RocksDBIncrementalSnapshotOperation): the local checkpoint taken at the barrier, uploaded by
/// <see cref="IncrementalSnapshotUploader"/> and then deleted, whether the upload succeeded or not — unless, uploaded, it is
/// kept as the checkpoint's local copy (local recovery).
/// </summary>
/// <param name="uploaded">Where a checkpoint records what it references, for the next ones to reuse once it is confirmed; null for a savepoint.</param>
/// <param name="previous">The shared files of the last confirmed checkpoint when the barrier came.</param>
/// <param name="localState">Where the uploaded checkpoint is kept as its local copy; null: it is deleted (no local recovery, or a savepoint).</param>
internal sealed class RocksDbNativeSnapshot(
    RocksDbNativeCheckpoint checkpoint, string operatorUid, KeyGroupRange keyGroups, Guid backendId,
    UploadedSharedFiles? uploaded, IReadOnlyDictionary<string, HandleAndLocalPath> previous, bool fullSnapshot, LocalStateStore? localState = null) : INativeKeyedSnapshot
{
    private int _deleted;

    public async Task<IncrementalKeyedStateHandle> UploadAsync(IncrementalSnapshotTarget target, CancellationToken cancellation)
    {
        try
        {
            var files = checkpoint.Files.Select(f => new LocalStateFile(f.Name, Path.Combine(checkpoint.Directory, f.Name), f.Bytes)).ToList();
            var (handle, _) = await IncrementalSnapshotUploader.UploadAsync(target, operatorUid, keyGroups, backendId, files, previous, fullSnapshot, cancellation);
            uploaded?.Uploaded(handle);
            // Moved away as the local copy, the checkpoint is not there any more for Dispose to delete.
            localState?.Store(handle.CheckpointId, checkpoint.Directory);
            return handle;
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Deletes the local checkpoint (once).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _deleted, 1) == 0) RocksDbNativeCheckpoint.Delete(checkpoint.Directory);
    }
}
