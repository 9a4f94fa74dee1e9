using GrainFlow.Configuration;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// Downloads the files of incremental RocksDB snapshots (Flink's RocksDBStateDownloader): each handle's private files
/// from the snapshot's directory and its shared files from the checkpoint storage's <c>&lt;job id&gt;/shared/</c>, into a new
/// instance directory under the local directory, every file checked against the size and checksum the snapshot recorded.
/// A missing or damaged file is an error naming it and the snapshot, never a restore from wrong bytes.
/// </summary>
/// <remarks>
/// With local recovery, a file of a snapshot this silo kept a local copy of (<see cref="LocalStateStore"/>) is taken from that
/// copy when it matches the snapshot's record; one that is missing there or does not match is downloaded, and the log says so.
/// From a checkpoint storage on this machine's file system the files are linked or copied (<see cref="LocalStateFileTransfer"/>)
/// instead of streamed: the bytes are read once, for the checksum, and SST files are not written again.
/// </remarks>
internal static partial class RocksDbStateDownloader
{
    /// <summary>Files downloaded at once (Flink's <c>state.backend.rocksdb.checkpoint.transfer.thread.num</c> defaults to 4).</summary>
    public const int FilesInParallel = 4;

    /// <summary>One source per snapshot in <paramref name="snapshots"/>, each in its own directory under <paramref name="localDirectory"/>.</summary>
    /// <param name="localRecovery">The job's local copies on this silo, or null (local recovery off): every file is downloaded.</param>
    /// <exception cref="InvalidDataException">A file is missing or damaged, or the shared files cannot be located.</exception>
    /// <exception cref="IOException">The local directory cannot be written (full, not writable).</exception>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<IReadOnlyList<RocksDbRestoreSource>> DownloadAsync(IReadOnlyList<OperatorSnapshot> snapshots, SnapshotLocation location,
        GrainFlowConfiguration configuration, string localDirectory, LocalRecoveryConfig? localRecovery, ILogger logger, CancellationToken cancellation)
    {
        var shared = snapshots.Any(s => s.IncrementalState!.SharedState.Count > 0) ? SharedRoot(location, configuration) : default;
        var sources = new List<RocksDbRestoreSource>();
        try
        {
            foreach (var snapshot in snapshots)
            {
                var handle = snapshot.IncrementalState!;
                var source = new RocksDbRestoreSource(handle, snapshot.KeyGroups!.Value, location.ExternalPath, RocksDbWorkingDirectory.Create(localDirectory));
                sources.Add(source);
                Directory.CreateDirectory(source.DatabasePath);
                var localCopy = localRecovery?.StoreFor(snapshot.OperatorUid, snapshot.KeyGroups!.Value).Retrieve(handle.CheckpointId);
                var files = handle.PrivateState.Select(f => new RestoredFile(f, location.Store, location.DirectoryKey + f.Path))
                    .Concat(handle.SharedState.Select(f => new RestoredFile(f, shared.Store, shared.RootKey + f.Path)))
                    .ToList();
                await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = FilesInParallel, CancellationToken = cancellation },
                    async (f, token) => f.FromLocalCopy = await RestoreFileAsync(f, handle, Path.Combine(source.DatabasePath, f.File.LocalPath), localCopy,
                        location.ExternalPath, logger, token));
                if (localCopy is not null)
                {
                    var local = files.Where(f => f.FromLocalCopy).ToList();
                    LogRestoredFromLocalCopy(logger, snapshot.OperatorUid, DescribeKeyGroups(snapshot), handle.CheckpointId, local.Count, local.Sum(f => f.File.Size),
                        files.Count - local.Count, files.Where(f => !f.FromLocalCopy).Sum(f => f.File.Size), localCopy);
                }
            }
            return sources;
        }
        catch
        {
            foreach (var source in sources) source.Dispose();
            throw;
        }
    }

    private static (IObjectStore Store, string RootKey) SharedRoot(SnapshotLocation location, GrainFlowConfiguration configuration)
    {
        try
        {
            return SharedStateRoot.Of(location, configuration) ?? throw new InvalidDataException(
                $"The snapshot at '{location.ExternalPath}' references shared state files, but it is not a 'chk-<n>' of a job's checkpoint directory, where they would be.");
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The checkpoint storage holding the shared state files of '{location.ExternalPath}' cannot be opened: {e.Message}", e);
        }
    }

    /// <returns>Whether the file came from the local copy.</returns>
    private static async Task<bool> RestoreFileAsync(RestoredFile restored, IncrementalKeyedStateHandle handle, string target, string? localCopy, string snapshot,
        ILogger logger, CancellationToken cancellation)
    {
        var file = restored.File;
        if (localCopy is not null)
        {
            var copied = await LocalStateFileTransfer.PlaceAsync(Path.Combine(localCopy, file.LocalPath), target, file.LocalPath, file.Size, handle.ChecksumAlgorithm, cancellation);
            if (copied == (file.Size, file.Checksum)) return true;
            if (copied is not null) File.Delete(target);
            LogLocalCopyUnusable(logger, file.LocalPath, handle.CheckpointId, copied is null ? "is missing" : "does not match the checksum or size the checkpoint recorded", localCopy);
        }
        (long Size, ulong Checksum)? read;
        if (restored.Store is FileSystemObjectStore files)
        {
            ObjectKeys.Validate(restored.Key);
            read = await LocalStateFileTransfer.PlaceAsync(Path.Join(files.RootDirectory, restored.Key), target, file.LocalPath, file.Size, handle.ChecksumAlgorithm, cancellation);
        }
        else
        {
            await using var content = await restored.Store.OpenReadAsync(restored.Key, cancellation);
            read = content is null ? null : await LocalStateFileTransfer.ReadAsync(content, target, handle.ChecksumAlgorithm, cancellation);
        }
        if (read is not { } bytes)
        {
            throw new InvalidDataException($"The state file '{file.Path}' of the snapshot at '{snapshot}' is missing; restore from another checkpoint or savepoint.");
        }
        if (bytes != (file.Size, file.Checksum))
        {
            throw new InvalidDataException(
                $"The state file '{file.Path}' of the snapshot at '{snapshot}' is damaged: it has {bytes.Size} bytes{(bytes.Size == file.Size ? " that do not match the recorded checksum" : "")}; the snapshot recorded {file.Size}. Restore from another checkpoint or savepoint.");
        }
        return false;
    }

    private static string DescribeKeyGroups(OperatorSnapshot snapshot) => $"{snapshot.KeyGroups!.Value.StartKeyGroup}-{snapshot.KeyGroups.Value.EndKeyGroup}";

    /// <summary>One file of a handle, where it is in the checkpoint storage, and where the restore took it from.</summary>
    private sealed record RestoredFile(HandleAndLocalPath File, IObjectStore Store, string Key)
    {
        public bool FromLocalCopy { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Restored the RocksDB state of operator '{OperatorUid}' key groups {KeyGroups} of checkpoint {CheckpointId} with local recovery: {LocalFiles} files ({LocalBytes} bytes) from the local copy '{LocalCopy}', {DownloadedFiles} files ({DownloadedBytes} bytes) downloaded")]
    private static partial void LogRestoredFromLocalCopy(ILogger logger, string operatorUid, string keyGroups, long checkpointId, int localFiles, long localBytes,
        int downloadedFiles, long downloadedBytes, string localCopy);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The local copy of state file '{File}' of checkpoint {CheckpointId} {Problem} (in '{LocalCopy}'); downloading it from checkpoint storage instead")]
    private static partial void LogLocalCopyUnusable(ILogger logger, string file, long checkpointId, string problem, string localCopy);
}
