using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Storage;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The storage side of one job's checkpoints for its coordinator (Flink's CheckpointsCleaner with the
/// shared-state registry): where checkpoints are written, and the deletion of what is no longer needed —
/// subsumed and discarded checkpoints, aborted and abandoned ones, stray <c>chk-n</c> directories a coordinator
/// that died left, and shared files no retained checkpoint references. A deletion that fails leaves files for a
/// later sweep; it never fails a checkpoint that completed.
/// </summary>
/// <remarks>
/// Built for one attempt's configuration; the coordinator makes a new one when the configuration may have
/// changed. The shared-state registry is rebuilt from the retained checkpoints' <c>_metadata</c> when first needed.
/// </remarks>
internal sealed partial class CheckpointsCleaner(JobId jobId, GrainFlowConfiguration configuration, GrainFlowStores stores, ILogger logger)
{
    // For the generated log methods.
    private readonly ILogger _logger = logger;
    private CheckpointStorage? _storage;
    private SharedStateFiles? _shared;

    /// <exception cref="Configuration.ConfigurationValueException">The configured checkpoint directory cannot be opened.</exception>
    public CheckpointStorage Storage => _storage ??= CheckpointStorage.For(configuration, stores);

    /// <summary>Where checkpoint <paramref name="checkpointId"/> is written: <c>chk-n</c> in the job's checkpoint storage.</summary>
    public SnapshotLocation CheckpointLocation(long checkpointId)
    {
        var directory = CheckpointLayout.CheckpointDirectory(jobId, checkpointId);
        return new SnapshotLocation(Storage.Store, Storage.Key(directory), Storage.ExternalPath(directory));
    }

    /// <summary>Where the savepoint to <paramref name="target"/> is written (the savepoint's own directory).</summary>
    public SnapshotLocation SavepointLocation(SnapshotTarget target) => SnapshotLocation.At(target.Location, configuration);

    /// <summary>The shared files of <paramref name="retained"/>, rebuilt from their <c>_metadata</c> if not known yet.</summary>
    /// <exception cref="ObjectStoreException">The storage could not be read.</exception>
    public async Task<SharedStateFiles> SharedAsync(IReadOnlyList<CompletedCheckpoint> retained)
    {
        if (_shared is not null) return _shared;
        _shared = await SharedStateFiles.RebuildAsync(Storage, jobId, retained, configuration);
        foreach (var unreadable in _shared.Unreadable) LogSharedRegistryIncomplete(jobId, unreadable);
        return _shared;
    }

    /// <summary>The retained checkpoints changed other than by completion (a restore registered): rebuild the registry when next needed.</summary>
    public void ForgetSharedState() => _shared = null;

    /// <summary>
    /// Whether the only retained checkpoint, one the job claimed from another place, lies in another checkpoint
    /// storage, so that the job's checkpoints cannot name its shared files and the first one must be full. True
    /// also when that cannot be read (a full checkpoint is always safe).
    /// </summary>
    public async Task<bool> ClaimedFromForeignStorageAsync(CompletedCheckpoint claimed, IReadOnlyList<CompletedCheckpoint> retained)
    {
        try
        {
            return !(await SharedAsync(retained)).SharesStorageWith(claimed);
        }
        catch (ObjectStoreException e)
        {
            LogSharedCleanupFailed(e, jobId);
            return true;
        }
    }

    /// <summary>
    /// Deletes checkpoints the coordinator no longer records (subsumed, or discarded at the job's end), then the
    /// shared files that no checkpoint in <paramref name="retained"/> needs any more.
    /// </summary>
    public async Task DiscardAllAsync(IReadOnlyCollection<CompletedCheckpoint> checkpoints, string why, IReadOnlyList<CompletedCheckpoint> retained)
    {
        if (checkpoints.Count == 0) return;
        foreach (var checkpoint in checkpoints)
        {
            try
            {
                await DiscardAsync(checkpoint, why);
            }
            catch (Exception e)
            {
                LogDiscardFailed(e, checkpoint.CheckpointId, checkpoint.ExternalPath);
            }
        }
        try
        {
            // After the _metadata that referenced them is gone: a crash in between leaves orphans, never a checkpoint missing a file.
            var deleted = await (await SharedAsync(retained)).ReleaseAsync(checkpoints);
            if (deleted.Count > 0) LogSharedDeleted(jobId, deleted.Count, why);
        }
        catch (Exception e)
        {
            LogSharedCleanupFailed(e, jobId);
        }
    }

    /// <summary>
    /// Deletes shared files that checkpoints up to <paramref name="upToCheckpointId"/> uploaded and no retained
    /// checkpoint references (their checkpoint never completed).
    /// </summary>
    public async Task DeleteSharedOrphansAsync(long upToCheckpointId, IReadOnlyList<CompletedCheckpoint> retained)
    {
        try
        {
            var deleted = await (await SharedAsync(retained)).DeleteOrphansAsync(upToCheckpointId);
            if (deleted.Count > 0) LogSharedDeleted(jobId, deleted.Count, "no retained checkpoint references them");
        }
        catch (Exception e)
        {
            LogSharedCleanupFailed(e, jobId);
        }
    }

    /// <summary>Deletes what an aborted checkpoint or savepoint wrote at <paramref name="location"/> (GrainFlow's files only).</summary>
    public async Task DeleteAbortedAsync(long checkpointId, SnapshotLocation location)
    {
        try
        {
            await SnapshotDeletion.DeleteOwnAsync(location.Store, location.DirectoryKey);
        }
        catch (ObjectStoreException e)
        {
            // The storage that made the checkpoint fail may still be unreachable: without _metadata the files never count as a checkpoint.
            LogDiscardFailed(e, checkpointId, location.ExternalPath);
        }
    }

    /// <summary>Deletes what a late subtask wrote for a checkpoint that will never complete, and the job's folder when <paramref name="jobEndedWithNothingKept"/>.</summary>
    public async Task DeleteAbandonedAsync(long checkpointId, bool jobEndedWithNothingKept)
    {
        await SnapshotDeletion.DeleteOwnAsync(Storage.Store, Storage.Key(CheckpointLayout.CheckpointDirectory(jobId, checkpointId)));
        if (jobEndedWithNothingKept) await DeleteJobDirectoryAsync();
    }

    /// <summary>
    /// The end of the job (Flink's CompletedCheckpointStore shutdown): deletes the checkpoints its retention policy discards
    /// (<paramref name="discarded"/> of <paramref name="recorded"/>) and, when none is kept, the job's directory; when some
    /// are kept, what no kept checkpoint needs. Nothing may be pending (no write in flight).
    /// </summary>
    /// <returns>The checkpoints kept.</returns>
    public async Task<List<CompletedCheckpoint>> ShutdownAsync(IReadOnlyCollection<CompletedCheckpoint> discarded, IReadOnlyList<CompletedCheckpoint> recorded,
        long nextCheckpointId)
    {
        // The shared-state registry is built from every checkpoint recorded so far, then releases the discarded ones.
        await DiscardAllAsync(discarded, "the job ended", recorded);
        var discardedIds = discarded.Select(c => c.CheckpointId).ToHashSet();
        var kept = recorded.Where(c => !discardedIds.Contains(c.CheckpointId)).ToList();
        foreach (var retained in kept) LogRetained(retained.CheckpointId, retained.ExternalPath);
        if (kept.Count == 0)
        {
            // Nothing of this job is kept: remove what it wrote there, and the directory unless someone else's files are in it.
            await DeleteJobDirectoryAsync();
        }
        else
        {
            // The subtasks were released first, so no write is in flight: what a late subtask left
            // of an aborted checkpoint (e.g. on a full disk) must not stay next to the kept ones.
            await DeleteStrayCheckpointsAsync(kept, nextCheckpointId, inFlight: _ => false);
            await DeleteSharedOrphansAsync(long.MaxValue, kept);
        }
        return kept;
    }

    /// <summary>Removes what the job wrote in its checkpoint directory, and the directory unless someone else's files are in it.</summary>
    public Task DeleteJobDirectoryAsync() =>
        SnapshotDeletion.DeleteOwnJobDirectoryAsync(Storage.Store, Storage.Key(CheckpointLayout.JobDirectory(jobId)));

    /// <summary>
    /// Removes <c>chk-n</c> directories of this job below <paramref name="nextCheckpointId"/> that are neither in
    /// <paramref name="retained"/> nor <paramref name="inFlight"/>: what a coordinator that died mid-way (or a subtask
    /// writing late) left behind. Called when nothing it deletes can be in use (an attempt starts, a job that keeps
    /// checkpoints ends).
    /// </summary>
    public async Task DeleteStrayCheckpointsAsync(IReadOnlyList<CompletedCheckpoint> retained, long nextCheckpointId, Func<long, bool> inFlight)
    {
        var storage = Storage;
        var kept = retained.Where(c => c.StorageLocation == storage.Store.Location).Select(c => c.DirectoryKey).ToHashSet(StringComparer.Ordinal);
        var checkpointsPrefix = storage.Key(CheckpointLayout.JobDirectory(jobId) + CheckpointLayout.CheckpointPrefix);
        try
        {
            var stray = new SortedSet<string>(StringComparer.Ordinal);
            await foreach (var info in storage.Store.ListAsync(checkpointsPrefix))
            {
                var slash = info.Key.IndexOf('/', checkpointsPrefix.Length);
                if (slash < 0) continue;
                var directory = info.Key[..(slash + 1)];
                if (long.TryParse(info.Key.AsSpan(checkpointsPrefix.Length, slash - checkpointsPrefix.Length), out var id)
                    && id < nextCheckpointId && !kept.Contains(directory) && !inFlight(id))
                {
                    stray.Add(directory);
                }
            }
            foreach (var directory in stray)
            {
                await SnapshotDeletion.DeleteOwnAsync(storage.Store, directory);
                LogStrayDeleted(jobId, directory);
            }
        }
        catch (Exception e)
        {
            LogStraySweepFailed(e, jobId);
        }
    }

    private async Task DiscardAsync(CompletedCheckpoint checkpoint, string why)
    {
        var storage = Storage;
        IReadOnlyList<string> kept;
        try
        {
            kept = checkpoint.StorageLocation == storage.Store.Location
                ? await SnapshotDeletion.DeleteOwnAsync(storage.Store, checkpoint.DirectoryKey)
                // A snapshot the job claimed (CLAIM) lives elsewhere: which files are its own, only its _metadata says.
                : await SnapshotDeletion.DeleteByItsMetadataAsync(new SnapshotLocation(
                    storage.StoreFor(checkpoint.StorageLocation, configuration), checkpoint.DirectoryKey, checkpoint.ExternalPath));
        }
        catch (InvalidDataException e)
        {
            LogNotDiscarded(checkpoint.CheckpointId, checkpoint.ExternalPath, e.Message);
            return;
        }
        LogDiscarded(checkpoint.CheckpointId, checkpoint.ExternalPath, why);
        if (kept.Count > 0) LogForeignFilesKept(checkpoint.CheckpointId, checkpoint.ExternalPath, kept.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkpoint with ID {CheckpointId} at '{Path}' not discarded.")]
    private partial void LogRetained(long checkpointId, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discarded checkpoint {CheckpointId} at '{Path}' ({Why}).")]
    private partial void LogDiscarded(long checkpointId, string path, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpoint {CheckpointId} at '{Path}' not discarded: {Reason}")]
    private partial void LogNotDiscarded(long checkpointId, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkpoint {CheckpointId} at '{Path}': kept {Count} files that are not its own, and so its folder")]
    private partial void LogForeignFilesKept(long checkpointId, string path, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting checkpoint {CheckpointId} at '{Path}' failed; its files stay until the job's next attempt starts")]
    private partial void LogDiscardFailed(Exception exception, long checkpointId, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: deleted '{Directory}', a checkpoint directory that was never recorded as completed")]
    private partial void LogStrayDeleted(JobId jobId, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: looking for stray checkpoint directories failed; they stay until the next attempt")]
    private partial void LogStraySweepFailed(Exception exception, JobId jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: deleted {Count} shared state files ({Why})")]
    private partial void LogSharedDeleted(JobId jobId, int count, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: deleting unused shared state files failed; they are deleted after a later checkpoint")]
    private partial void LogSharedCleanupFailed(Exception exception, JobId jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: no shared state file is deleted while a retained checkpoint cannot be read ({Checkpoint})")]
    private partial void LogSharedRegistryIncomplete(JobId jobId, string checkpoint);
}
