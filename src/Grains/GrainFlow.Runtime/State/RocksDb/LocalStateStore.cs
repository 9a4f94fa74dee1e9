using System.Globalization;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// The local copies of one keyed RocksDB operator subtask's checkpoints on this silo (Flink's TaskLocalStateStore): after a
/// checkpoint's files were uploaded, the RocksDB checkpoint they were uploaded from (hard links to the instance's files, taken
/// at the barrier) is moved here as <c>chk-&lt;n&gt;</c> instead of being deleted. When checkpoint n is confirmed the copies of
/// older ones go; at the end of the job all of them. A restart of the subtask on this silo restores from the copy of the
/// checkpoint it restores (<see cref="RocksDbStateDownloader"/>), each file checked against the checkpoint's checksum.
/// </summary>
/// <remarks>
/// GrainFlow deletes only what it can name: the <c>chk-&lt;n&gt;</c> directories it moved here, the store's directory and the
/// job's when they are empty. The copy's SST files are links: RocksDB never writes to an SST file, it only deletes it, so
/// neither the running instance nor a restored one can change the copy's bytes.
/// </remarks>
internal sealed class LocalStateStore(string directory)
{
    /// <summary>The store's directory (one per operator and key-group range of the job).</summary>
    public string Directory { get; } = directory;

    /// <summary>The local copy of checkpoint <paramref name="checkpointId"/>, or null when there is none.</summary>
    public string? Retrieve(long checkpointId)
    {
        var path = CheckpointDirectory(checkpointId);
        return System.IO.Directory.Exists(path) ? path : null;
    }

    /// <summary>
    /// Keeps the RocksDB checkpoint in <paramref name="checkpointDirectory"/> (whose files checkpoint <paramref name="checkpointId"/>
    /// uploaded) as that checkpoint's local copy: it is moved, not copied. False when it could not be moved; the caller then
    /// deletes it as before, and a restart downloads that checkpoint.
    /// </summary>
    public bool Store(long checkpointId, string checkpointDirectory)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            System.IO.Directory.Move(checkpointDirectory, CheckpointDirectory(checkpointId));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Checkpoint <paramref name="checkpointId"/> completed: the copies of older checkpoints go (Flink's confirmCheckpoint).</summary>
    public void Confirm(long checkpointId)
    {
        foreach (var (id, path) in Copies())
        {
            if (id < checkpointId) Delete(path);
        }
    }

    /// <summary>Every copy of this store, and the store's directory when nothing else is in it.</summary>
    public void DiscardAll()
    {
        foreach (var (_, path) in Copies()) Delete(path);
        DeleteIfEmpty(Directory);
    }

    /// <summary>
    /// Every copy of the job on this silo. Each subtask of the job calls it once its snapshot writes settled, so a copy another
    /// subtask stored meanwhile goes with that subtask's call.
    /// </summary>
    internal static void DiscardJob(LocalRecoveryConfig config)
    {
        if (!System.IO.Directory.Exists(config.JobDirectory)) return;
        foreach (var store in System.IO.Directory.EnumerateDirectories(config.JobDirectory)) new LocalStateStore(store).DiscardAll();
        DeleteIfEmpty(config.JobDirectory);
    }

    private string CheckpointDirectory(long checkpointId) =>
        Path.Combine(Directory, Checkpointing.CheckpointLayout.CheckpointPrefix + checkpointId.ToString(CultureInfo.InvariantCulture));

    /// <summary>The <c>chk-&lt;n&gt;</c> directories of this store, by checkpoint id (anything else there is not ours and stays).</summary>
    private IEnumerable<(long Id, string Path)> Copies()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return System.IO.Directory.EnumerateDirectories(Directory, Checkpointing.CheckpointLayout.CheckpointPrefix + "*")
            .Select(path => (Id: CheckpointIdOf(Path.GetFileName(path)), Path: path))
            .Where(c => c.Id >= 0)
            .ToList();
    }

    private static long CheckpointIdOf(string name) =>
        long.TryParse(name.AsSpan(Checkpointing.CheckpointLayout.CheckpointPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1;

    private static void Delete(string path)
    {
        try
        {
            System.IO.Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone already (another subtask of the job ended it too), or left for the next confirmation or the job's end.
        }
    }

    private static void DeleteIfEmpty(string path)
    {
        try
        {
            if (System.IO.Directory.Exists(path) && !System.IO.Directory.EnumerateFileSystemEntries(path).Any()) System.IO.Directory.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Something was added meanwhile: not empty any more.
        }
    }
}
