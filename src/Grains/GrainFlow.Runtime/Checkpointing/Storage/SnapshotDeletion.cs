using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Deletes snapshots file by file, never a folder with whatever it holds: a user may keep other
/// files next to a savepoint or in a snapshot directory they handed over, and GrainFlow deletes only
/// files it wrote and can name. The folder itself goes only once it is empty.
/// </summary>
/// <remarks>
/// <c>_metadata</c> is always deleted first: a directory without it is not a snapshot, so an
/// interrupted deletion never leaves something that looks restorable but lacks some of its files.
/// </remarks>
public static class SnapshotDeletion
{
    /// <summary>
    /// Deletes a snapshot GrainFlow may not have written (a savepoint, a snapshot a job claimed):
    /// exactly the files its <paramref name="metadata"/> references, then the folder if it is empty.
    /// Every reference is checked before anything is deleted.
    /// </summary>
    /// <returns>The keys of the files that stayed because the snapshot does not reference them.</returns>
    /// <exception cref="InvalidDataException">A reference points outside the snapshot's directory; nothing was deleted.</exception>
    public static async Task<IReadOnlyList<string>> DeleteReferencedAsync(SnapshotLocation location, CheckpointMetadata metadata, CancellationToken cancellation = default)
    {
        var files = SnapshotFileReferences.Of(metadata, location.ExternalPath);
        // _metadata first (see the remarks), then what it referenced.
        await location.Store.DeleteAsync(location.DirectoryKey + CheckpointLayout.MetadataFileName, cancellationToken: cancellation);
        foreach (var file in files) await location.Store.DeleteAsync(location.DirectoryKey + file, cancellationToken: cancellation);
        return await RemoveFolderIfEmptyAsync(location.Store, location.DirectoryKey, ownFolder: false, cancellation);
    }

    /// <summary>Reads the snapshot's <c>_metadata</c> and deletes as <see cref="DeleteReferencedAsync"/> does.</summary>
    /// <returns>The keys of the files that stayed because the snapshot does not reference them.</returns>
    /// <exception cref="InvalidDataException">
    /// No <c>_metadata</c> (which files are the snapshot's is then unknown), one GrainFlow cannot read, or a
    /// reference outside the snapshot's directory; nothing was deleted.
    /// </exception>
    public static async Task<IReadOnlyList<string>> DeleteByItsMetadataAsync(SnapshotLocation location, CancellationToken cancellation = default)
    {
        var stored = await location.Store.GetAsync(location.DirectoryKey + CheckpointLayout.MetadataFileName, cancellation)
            ?? throw new InvalidDataException($"'{location.ExternalPath}' has no _metadata any more, so which files are the snapshot's is unknown; nothing was deleted.");
        return await DeleteReferencedAsync(location, CheckpointMetadata.FromBytes(stored.Data, location.ExternalPath), cancellation);
    }

    /// <summary>
    /// Deletes a snapshot directory GrainFlow created itself (a <c>chk-n</c> of the job's checkpoint
    /// storage, or the folder of a savepoint that failed), complete or not: <c>_metadata</c>, then
    /// every file named as GrainFlow names state files (<see cref="CheckpointLayout.IsStateFileName"/>),
    /// including those of subtasks that acknowledged too late to be referenced; then the folder if it is empty.
    /// </summary>
    /// <returns>The keys of the files that stayed because GrainFlow does not name them.</returns>
    public static async Task<IReadOnlyList<string>> DeleteOwnAsync(IObjectStore store, string directoryKey, CancellationToken cancellation = default)
    {
        await store.DeleteAsync(directoryKey + CheckpointLayout.MetadataFileName, cancellationToken: cancellation);
        var stateFiles = new List<string>();
        await foreach (var info in store.ListAsync(directoryKey, cancellation))
        {
            if (CheckpointLayout.IsStateFileName(info.Key[directoryKey.Length..])) stateFiles.Add(info.Key);
        }
        foreach (var key in stateFiles) await store.DeleteAsync(key, cancellationToken: cancellation);
        return await RemoveFolderIfEmptyAsync(store, directoryKey, ownFolder: true, cancellation);
    }

    /// <summary>
    /// Deletes what GrainFlow wrote in a job's checkpoint directory (<c>&lt;job id&gt;/</c>): each <c>chk-n</c> as
    /// <see cref="DeleteOwnAsync"/> does, the files in its <c>shared/</c> named as GrainFlow names incremental state
    /// (<see cref="CheckpointLayout.IsIncrementalFileName"/>), then the directory if it is empty. For a job of which nothing is retained.
    /// </summary>
    public static async Task DeleteOwnJobDirectoryAsync(IObjectStore store, string jobDirectoryKey, CancellationToken cancellation = default)
    {
        var checkpoints = new SortedSet<string>(StringComparer.Ordinal);
        var checkpointsPrefix = jobDirectoryKey + CheckpointLayout.CheckpointPrefix;
        await foreach (var info in store.ListAsync(checkpointsPrefix, cancellation))
        {
            var slash = info.Key.IndexOf('/', checkpointsPrefix.Length);
            if (slash > checkpointsPrefix.Length && long.TryParse(info.Key.AsSpan(checkpointsPrefix.Length, slash - checkpointsPrefix.Length), out _))
            {
                checkpoints.Add(info.Key[..(slash + 1)]);
            }
        }
        foreach (var directory in checkpoints) await DeleteOwnAsync(store, directory, cancellation);
        var shared = jobDirectoryKey + CheckpointLayout.SharedDirectoryName + "/";
        var sharedFiles = new List<string>();
        await foreach (var info in store.ListAsync(shared, cancellation))
        {
            var name = info.Key[shared.Length..];
            if (!name.Contains('/') && CheckpointLayout.IsIncrementalFileName(name, out _)) sharedFiles.Add(info.Key);
        }
        foreach (var key in sharedFiles) await store.DeleteAsync(key, cancellationToken: cancellation);
        await RemoveFolderIfEmptyAsync(store, shared, ownFolder: true, cancellation);
        await RemoveFolderIfEmptyAsync(store, jobDirectoryKey, ownFolder: true, cancellation);
    }

    /// <returns>The keys still below <paramref name="directoryKey"/> (none when the folder was removed).</returns>
    private static async Task<IReadOnlyList<string>> RemoveFolderIfEmptyAsync(IObjectStore store, string directoryKey, bool ownFolder, CancellationToken cancellation)
    {
        var remaining = new List<string>();
        await foreach (var info in store.ListAsync(directoryKey, cancellation)) remaining.Add(info.Key);
        if (remaining.Count > 0) return remaining;
        // In a folder GrainFlow created, what no listing shows is its own: temporary files of writes
        // cut off by a crash, and empty subfolders. A foreign folder goes only if it is truly empty.
        if (ownFolder) await store.DeletePrefixAsync(directoryKey, cancellation);
        // Blob storage has no folders; a file store removes its own root (a savepoint's folder) never by itself.
        if (store is FileSystemObjectStore files)
        {
            try
            {
                Directory.Delete(Path.Join(files.RootDirectory, directoryKey), recursive: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone already, or not empty (a file no listing shows, or one written just now): it stays.
            }
        }
        return remaining;
    }
}
