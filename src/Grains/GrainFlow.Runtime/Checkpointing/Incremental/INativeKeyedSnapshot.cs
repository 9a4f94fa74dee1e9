namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Keyed state captured at the barrier in the backend's own format (Flink's native snapshot): the files of a local
/// backend checkpoint (RocksDB's hard links), taken synchronously and uploaded in the asynchronous part. It owns the
/// local checkpoint from the barrier on and deletes it once it was uploaded, or when it is disposed without an upload.
/// </summary>
internal interface INativeKeyedSnapshot : IDisposable
{
    /// <summary>
    /// Uploads the files to <paramref name="target"/> (reusing the shared files of the last confirmed checkpoint, unless the
    /// barrier asked for a full snapshot or the target is a savepoint) and deletes the local checkpoint, whether or not the upload succeeded.
    /// </summary>
    /// <exception cref="IOException">A local file could not be read or changed while it was uploaded.</exception>
    Task<IncrementalKeyedStateHandle> UploadAsync(IncrementalSnapshotTarget target, CancellationToken cancellation);
}
