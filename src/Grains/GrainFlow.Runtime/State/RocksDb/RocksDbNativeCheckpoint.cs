using System.Diagnostics;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>One file of a <see cref="RocksDbNativeCheckpoint"/>, by name within its directory.</summary>
/// <param name="Shared">
/// An SST file: immutable and named uniquely within the instance, so the same name in two checkpoints is the same
/// bytes and can be uploaded once and shared (Flink's shared state). The other files (MANIFEST, CURRENT,
/// OPTIONS) are private to this checkpoint.
/// </param>
public sealed record RocksDbCheckpointFile(string Name, long Bytes, bool Shared);

/// <summary>
/// A RocksDB checkpoint of one backend instance (Flink's native snapshot at the barrier): the memtables
/// are flushed and every live file is hard-linked (SST files) or copied (the small metadata files) into
/// <see cref="Directory"/>, which then opens as a RocksDB database holding the state as of the call.
/// Takes milliseconds whatever the state's size. The directory belongs to the caller, who deletes it.
/// </summary>
public sealed record RocksDbNativeCheckpoint(string Directory, IReadOnlyList<RocksDbCheckpointFile> Files, TimeSpan Duration)
{
    /// <exception cref="IOException">
    /// <paramref name="directory"/> exists already (RocksDB writes a new directory), or its parent does not, or RocksDB could
    /// not write the checkpoint there (a full or read-only disk); then nothing of it is left.
    /// </exception>
    internal static RocksDbNativeCheckpoint Take(RocksDbInstance instance, string directory)
    {
        var path = Path.GetFullPath(directory);
        if (System.IO.Directory.Exists(path) || File.Exists(path))
        {
            throw new IOException($"The RocksDB checkpoint directory '{path}' exists already; give a path that does not exist yet (RocksDB creates it).");
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var checkpoint = instance.Checkpoint();
            checkpoint.Save(path);
        }
        catch (RocksDbSharp.RocksDbException e)
        {
            Delete(path);
            throw new IOException(
                $"RocksDB could not write a checkpoint of its state to '{path}' (under {RocksDbBackendOptions.LocalDirectoryKey}): {e.Message}. " +
                $"Give {RocksDbBackendOptions.LocalDirectoryKey} a writable local disk with room for the state.", e);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        var files = new DirectoryInfo(path).EnumerateFiles()
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => new RocksDbCheckpointFile(f.Name, f.Length, f.Extension == ".sst"))
            .ToList();
        return new RocksDbNativeCheckpoint(path, files, elapsed);
    }

    /// <summary>
    /// Deletes the checkpoint in <paramref name="directory"/>, and the temporary directory RocksDB writes it in first
    /// (<c>&lt;directory&gt;.tmp</c>, left by a checkpoint that failed). Best effort: what cannot be deleted now goes with
    /// the instance's working directory when the backend closes.
    /// </summary>
    internal static void Delete(string directory)
    {
        foreach (var path in new[] { directory, directory + ".tmp" })
        {
            try
            {
                if (System.IO.Directory.Exists(path)) System.IO.Directory.Delete(path, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the working directory's deletion (see above).
            }
        }
    }
}
