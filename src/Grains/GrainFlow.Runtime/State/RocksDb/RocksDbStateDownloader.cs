using System.Buffers;
using GrainFlow.Configuration;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// Downloads the files of incremental RocksDB snapshots (Flink's RocksDBStateDownloader): each handle's private files
/// from the snapshot's directory and its shared files from the checkpoint storage's <c>&lt;job id&gt;/shared/</c>, into a new
/// instance directory under the local directory, every file checked against the size and checksum the snapshot recorded.
/// A missing or damaged file is an error naming it and the snapshot, never a restore from wrong bytes.
/// </summary>
internal static class RocksDbStateDownloader
{
    /// <summary>Files downloaded at once (Flink's <c>state.backend.rocksdb.checkpoint.transfer.thread.num</c> defaults to 4).</summary>
    public const int FilesInParallel = 4;

    private const int BufferBytes = 1 << 20;

    /// <summary>One source per snapshot in <paramref name="snapshots"/>, each in its own directory under <paramref name="localDirectory"/>.</summary>
    /// <exception cref="InvalidDataException">A file is missing or damaged, or the shared files cannot be located.</exception>
    /// <exception cref="IOException">The local directory cannot be written (full, not writable).</exception>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<IReadOnlyList<RocksDbRestoreSource>> DownloadAsync(IReadOnlyList<OperatorSnapshot> snapshots, SnapshotLocation location,
        GrainFlowConfiguration configuration, string localDirectory, CancellationToken cancellation)
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
                IEnumerable<(IObjectStore Store, string Key, HandleAndLocalPath File)> files =
                [
                    .. handle.PrivateState.Select(f => (location.Store, location.DirectoryKey + f.Path, f)),
                    .. handle.SharedState.Select(f => (shared.Store, shared.RootKey + f.Path, f)),
                ];
                await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = FilesInParallel, CancellationToken = cancellation },
                    (f, token) => new ValueTask(DownloadFileAsync(f.Store, f.Key, f.File, handle.ChecksumAlgorithm,
                        Path.Combine(source.DatabasePath, f.File.LocalPath), location.ExternalPath, token)));
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

    private static async Task DownloadFileAsync(IObjectStore store, string key, HandleAndLocalPath file, string algorithm, string target, string snapshot,
        CancellationToken cancellation)
    {
        await using var content = await store.OpenReadAsync(key, cancellation)
            ?? throw new InvalidDataException($"The state file '{file.Path}' of the snapshot at '{snapshot}' is missing; restore from another checkpoint or savepoint.");
        var checksum = StateChecksum.Create(algorithm);
        long size = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferBytes), cancellation)) > 0)
            {
                checksum.Append(buffer.AsSpan(0, read));
                size += read;
                await output.WriteAsync(buffer.AsMemory(0, read), cancellation);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (size != file.Size || checksum.Value != file.Checksum)
        {
            throw new InvalidDataException(
                $"The state file '{file.Path}' of the snapshot at '{snapshot}' is damaged: it has {size} bytes{(size == file.Size ? " that do not match the recorded checksum" : "")}; the snapshot recorded {file.Size}. Restore from another checkpoint or savepoint.");
        }
    }
}
