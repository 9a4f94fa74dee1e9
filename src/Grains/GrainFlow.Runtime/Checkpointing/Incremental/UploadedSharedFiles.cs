namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The task side's memory of which shared files a backend instance uploaded, per checkpoint (Flink's
/// <c>uploadedSstFiles</c> of RocksIncrementalSnapshotStrategy). Only the files of a checkpoint confirmed by
/// notifyCheckpointComplete are reused by the next snapshot (<see cref="Previous"/>): the coordinator may delete the
/// files of a checkpoint that never completed. Thread-safe: uploads are recorded on the snapshot's pool thread,
/// confirmations arrive on the subtask's.
/// </summary>
public sealed class UploadedSharedFiles
{
    private static readonly IReadOnlyDictionary<string, HandleAndLocalPath> None = new Dictionary<string, HandleAndLocalPath>();
    private readonly SortedDictionary<long, IReadOnlyDictionary<string, HandleAndLocalPath>> _uploaded = new();
    private readonly Lock _gate = new();
    private long _lastCompletedCheckpointId = -1;

    /// <summary>
    /// Starts from the state a backend was restored from: the restored handle's shared files count as uploaded and
    /// confirmed (the restored checkpoint is retained), unless the job's checkpoints may not reuse them (the barrier then
    /// asks for a full snapshot anyway, or the handle is null: nothing was restored or it came from another storage).
    /// </summary>
    public static UploadedSharedFiles Restored(IncrementalKeyedStateHandle? handle)
    {
        var files = new UploadedSharedFiles();
        if (handle is null) return files;
        files._uploaded[handle.CheckpointId] = ByLocalName(handle);
        files._lastCompletedCheckpointId = handle.CheckpointId;
        return files;
    }

    /// <summary>The shared files of the last confirmed checkpoint, by local name: what the next snapshot need not upload again.</summary>
    public IReadOnlyDictionary<string, HandleAndLocalPath> Previous
    {
        get
        {
            lock (_gate) return _uploaded.GetValueOrDefault(_lastCompletedCheckpointId) ?? None;
        }
    }

    /// <summary>Records what the snapshot of <paramref name="handle"/>'s checkpoint references (reused or uploaded).</summary>
    public void Uploaded(IncrementalKeyedStateHandle handle)
    {
        var files = ByLocalName(handle);
        lock (_gate) _uploaded[handle.CheckpointId] = files;
    }

    /// <summary>Checkpoint <paramref name="checkpointId"/> completed: its files become the base; older records go.</summary>
    public void NotifyCheckpointComplete(long checkpointId)
    {
        lock (_gate)
        {
            if (checkpointId <= _lastCompletedCheckpointId || !_uploaded.ContainsKey(checkpointId)) return;
            foreach (var older in _uploaded.Keys.Where(id => id < checkpointId).ToList()) _uploaded.Remove(older);
            _lastCompletedCheckpointId = checkpointId;
        }
    }

    /// <summary>Checkpoint <paramref name="checkpointId"/> was aborted: its files are never reused.</summary>
    public void NotifyCheckpointAborted(long checkpointId)
    {
        lock (_gate)
        {
            if (checkpointId != _lastCompletedCheckpointId) _uploaded.Remove(checkpointId);
        }
    }

    private static Dictionary<string, HandleAndLocalPath> ByLocalName(IncrementalKeyedStateHandle handle) =>
        handle.SharedState.ToDictionary(f => f.LocalPath, StringComparer.Ordinal);
}
