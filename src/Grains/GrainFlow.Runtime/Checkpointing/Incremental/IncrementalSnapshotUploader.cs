using GrainFlow.KeyGroups;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The upload step of an incremental snapshot (Flink's RocksDBStateUploader with the choice of
/// RocksIncrementalSnapshotStrategy): of the files of a backend's local checkpoint, the shared ones (SST files) that
/// an earlier confirmed checkpoint already uploaded are referenced again, the new ones go to <c>&lt;job id&gt;/shared/</c>,
/// the private ones to the snapshot's directory; each is checksummed while it streams, and the result is the
/// <see cref="IncrementalKeyedStateHandle"/> the subtask acknowledges.
/// </summary>
/// <remarks>
/// Files are written only if absent, under names unique to the backend instance and checkpoint
/// (<see cref="CheckpointLayout.IncrementalFileName"/>), so a retried or concurrent upload never replaces a file a
/// completed checkpoint references. A failed upload leaves files the coordinator finds as orphans and deletes.
/// </remarks>
public static class IncrementalSnapshotUploader
{
    /// <summary>Files uploaded at once (Flink's <c>state.backend.rocksdb.checkpoint.transfer.thread.num</c> defaults to 4).</summary>
    public const int FilesInParallel = 4;

    /// <param name="backendId">The backend instance: new for each instance, so that its file names are never another's.</param>
    /// <param name="previous">
    /// The shared files uploaded for the last checkpoint this backend instance knows completed, by local name
    /// (<see cref="UploadedSharedFiles.Previous"/>); ignored when <paramref name="fullSnapshot"/>.
    /// </param>
    /// <param name="fullSnapshot">Upload every file (the barrier's <c>FullSnapshot</c>: the first checkpoint after a NO_CLAIM restore).</param>
    /// <returns>The handle and how many bytes were uploaded (the checkpoint's incremental size).</returns>
    /// <exception cref="IOException">A local file could not be read, or its size is not what was listed.</exception>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<(IncrementalKeyedStateHandle Handle, long UploadedBytes)> UploadAsync(
        IncrementalSnapshotTarget target, string operatorUid, KeyGroupRange keyGroups, Guid backendId, IReadOnlyList<LocalStateFile> files,
        IReadOnlyDictionary<string, HandleAndLocalPath> previous, bool fullSnapshot, CancellationToken cancellation = default)
    {
        foreach (var file in files)
        {
            if (StateFileName.LocalProblem(file.Name) is { } problem) throw new ArgumentException($"The local state file '{StateFileName.Printable(file.Name)}' {problem}.", nameof(files));
        }
        var shared = new List<HandleAndLocalPath>();
        var uploads = new List<(LocalStateFile File, string Key, string Path, bool Shared)>();
        foreach (var file in files)
        {
            var name = CheckpointLayout.IncrementalFileName(operatorUid, keyGroups, backendId, target.CheckpointId, file.Name);
            if (file.IsShared && target.SharedRootKey is { } root)
            {
                if (!fullSnapshot && previous.TryGetValue(file.Name, out var uploaded) && uploaded.Size == file.Size) shared.Add(uploaded);
                else uploads.Add((file, root + CheckpointLayout.SharedDirectory(target.JobId) + name, CheckpointLayout.SharedDirectory(target.JobId) + name, true));
            }
            else
            {
                uploads.Add((file, target.DirectoryKey + name, name, false));
            }
        }
        var written = new HandleAndLocalPath[uploads.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, uploads.Count), new ParallelOptions { MaxDegreeOfParallelism = FilesInParallel, CancellationToken = cancellation },
            async (i, token) => written[i] = await UploadFileAsync(target.Store, uploads[i].File, uploads[i].Key, uploads[i].Path, token));
        var privateState = new List<HandleAndLocalPath>();
        for (var i = 0; i < uploads.Count; i++) (uploads[i].Shared ? shared : privateState).Add(written[i]);
        var handle = new IncrementalKeyedStateHandle(backendId.ToString("N"), target.CheckpointId,
            shared.OrderBy(f => f.LocalPath, StringComparer.Ordinal).ToList(), privateState.OrderBy(f => f.LocalPath, StringComparer.Ordinal).ToList(), StateChecksum.Current);
        return (handle, written.Sum(f => f.Size));
    }

    private static async Task<HandleAndLocalPath> UploadFileAsync(IObjectStore store, LocalStateFile file, string key, string path, CancellationToken cancellation)
    {
        var checksum = StateChecksum.Create(StateChecksum.Current);
        long read = 0;
        await using (var content = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            await store.PutPartsAsync(key, Hashed(ObjectParts.FromStream(content, cancellationToken: cancellation)), WriteCondition.IfNotExists, cancellation);
        }
        // The upload is complete; a file that was not what was listed must not be referenced (the snapshot is declined).
        if (read != file.Size)
        {
            await store.DeleteAsync(key, cancellationToken: CancellationToken.None);
            throw new IOException($"The local state file '{file.Path}' has {read} bytes; the backend listed {file.Size}. It changed while the snapshot was taken.");
        }
        return new HandleAndLocalPath(file.Name, path, read, checksum.Value);

        async IAsyncEnumerable<ObjectPart> Hashed(IAsyncEnumerable<ObjectPart> parts)
        {
            await foreach (var part in parts)
            {
                checksum.Append(part.Data.Span);
                read += part.Data.Length;
                yield return part;
            }
        }
    }
}
