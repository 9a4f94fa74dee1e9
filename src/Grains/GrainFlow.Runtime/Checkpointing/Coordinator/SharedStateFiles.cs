using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The shared files of a job's incremental checkpoints in its checkpoint storage, kept by a
/// <see cref="SharedStateRegistry"/>: the checkpoint coordinator registers each completed checkpoint, releases
/// subsumed and discarded ones, and this deletes a shared file exactly when no retained checkpoint needs it. Not
/// persisted: a new coordinator activation rebuilds it from the retained checkpoints' <c>_metadata</c>
/// (<see cref="RebuildAsync"/>). Files that no retained <c>_metadata</c> references — uploaded for a checkpoint
/// that never completed, or left by a coordinator that died while deleting — are found by their names and
/// deleted (<see cref="DeleteOrphansAsync"/>). Only files in the job's own <c>shared/</c> named as GrainFlow names
/// them are ever deleted.
/// </summary>
public sealed class SharedStateFiles
{
    private readonly CheckpointStorage _storage;
    private readonly JobId _jobId;
    private readonly string _root;

    private SharedStateFiles(CheckpointStorage storage, JobId jobId, IReadOnlyList<string> unreadable)
    {
        _storage = storage;
        _jobId = jobId;
        _root = DirectoryOf(storage.Store.Location, storage.Prefix);
        Unreadable = unreadable;
    }

    public SharedStateRegistry Registry { get; } = new();

    /// <summary>
    /// Retained checkpoints whose <c>_metadata</c> could not be read when the registry was rebuilt, with why. While
    /// there are any, which shared files they need is unknown, so nothing shared is deleted.
    /// </summary>
    public IReadOnlyList<string> Unreadable { get; }

    /// <summary>
    /// The registry of <paramref name="retained"/> (the coordinator's completed checkpoints), read from their
    /// <c>_metadata</c>: the job's own checkpoints and a claimed one count as retained, a snapshot restored in
    /// NO_CLAIM mode (<see cref="CheckpointProperties.Unclaimed"/>) protects its files.
    /// </summary>
    /// <exception cref="ObjectStoreException">The storage could not be read.</exception>
    public static async Task<SharedStateFiles> RebuildAsync(CheckpointStorage storage, JobId jobId, IEnumerable<CompletedCheckpoint> retained,
        GrainFlowConfiguration configuration, CancellationToken cancellation = default)
    {
        var unreadable = new List<string>();
        var loaded = new List<(CompletedCheckpoint Checkpoint, CheckpointMetadata Metadata)>();
        foreach (var checkpoint in retained.OrderBy(c => c.CheckpointId))
        {
            try
            {
                var stored = await storage.StoreFor(checkpoint.StorageLocation, configuration).GetAsync(checkpoint.MetadataKey, cancellation)
                    ?? throw new InvalidDataException($"'{checkpoint.ExternalPath.TrimEnd('/')}/{CheckpointLayout.MetadataFileName}' is missing.");
                loaded.Add((checkpoint, CheckpointMetadata.FromBytes(stored.Data, checkpoint.ExternalPath)));
            }
            catch (InvalidDataException e)
            {
                unreadable.Add($"checkpoint {checkpoint.CheckpointId} at {checkpoint.ExternalPath}: {e.Message}");
            }
        }
        var files = new SharedStateFiles(storage, jobId, unreadable);
        foreach (var (checkpoint, metadata) in loaded) files.Register(checkpoint, metadata);
        return files;
    }

    /// <summary>
    /// Whether checkpoints of this job may reuse the shared files of <paramref name="checkpoint"/>: it lies in the
    /// same checkpoint storage (its shared paths name files there). Otherwise the first checkpoint after restoring
    /// from it must upload everything (a full snapshot).
    /// </summary>
    public bool SharesStorageWith(CompletedCheckpoint checkpoint)
    {
        // Where the store says it is (normalized), not how a user spelled the path; <root>/<job id>/chk-<n>: the root is two levels up.
        var path = DirectoryOf(checkpoint.StorageLocation, checkpoint.DirectoryKey);
        var job = path.LastIndexOf('/');
        var root = job > 0 ? path.LastIndexOf('/', job - 1) : -1;
        return root > 0 && path[..root] == _root;
    }

    private static string DirectoryOf(string storeLocation, string key) => $"{storeLocation.TrimEnd('/')}/{key}".TrimEnd('/');

    /// <summary>Registers the shared files of a checkpoint that completed (or was restored, claimed or not).</summary>
    public void Register(CompletedCheckpoint checkpoint, CheckpointMetadata metadata)
    {
        // Shared files of a snapshot in another storage are not this job's to keep or delete.
        var paths = SharesStorageWith(checkpoint) ? IncrementalStateReferences.SharedPaths(metadata) : new HashSet<string>();
        if (checkpoint.Properties.Unclaimed) Registry.RegisterAllAfterRestored(checkpoint.CheckpointId, paths, RecoveryClaimMode.NoClaim);
        else Registry.RegisterCheckpoint(checkpoint.CheckpointId, paths);
    }

    /// <summary>
    /// Releases the references of checkpoints that were subsumed or discarded and deletes the shared files that no
    /// retained checkpoint references any more.
    /// </summary>
    /// <returns>The keys deleted.</returns>
    /// <exception cref="ObjectStoreException">A deletion failed; what was not deleted is found again by <see cref="DeleteOrphansAsync"/>.</exception>
    public async Task<IReadOnlyList<string>> ReleaseAsync(IEnumerable<CompletedCheckpoint> released, CancellationToken cancellation = default)
    {
        var unused = released.SelectMany(c => Registry.UnregisterCheckpoint(c.CheckpointId)).ToList();
        // Every path was checked when its _metadata was read: a GrainFlow name in a shared/ of this storage.
        return Unreadable.Count > 0 ? [] : await DeleteAsync(unused, cancellation);
    }

    /// <summary>
    /// Deletes the files in the job's <c>shared/</c> that GrainFlow named, that a checkpoint up to
    /// <paramref name="upToCheckpointId"/> uploaded, and that no retained checkpoint references: what checkpoints that
    /// never completed uploaded. Files of later checkpoints may belong to one in flight and stay.
    /// </summary>
    /// <returns>The keys deleted.</returns>
    /// <exception cref="ObjectStoreException">The storage could not be listed or a deletion failed.</exception>
    public async Task<IReadOnlyList<string>> DeleteOrphansAsync(long upToCheckpointId, CancellationToken cancellation = default)
    {
        if (Unreadable.Count > 0) return [];
        var directory = CheckpointLayout.SharedDirectory(_jobId);
        var prefix = _storage.Key(directory);
        var orphans = new List<string>();
        await foreach (var info in _storage.Store.ListAsync(prefix, cancellation))
        {
            var name = info.Key[prefix.Length..];
            if (name.Contains('/') || !CheckpointLayout.IsIncrementalFileName(name, out var uploadedBy) || uploadedBy > upToCheckpointId) continue;
            if (!Registry.IsInUse(directory + name)) orphans.Add(directory + name);
        }
        return await DeleteAsync(orphans, cancellation);
    }

    private async Task<IReadOnlyList<string>> DeleteAsync(IEnumerable<string> sharedPaths, CancellationToken cancellation)
    {
        var deleted = new List<string>();
        foreach (var path in sharedPaths)
        {
            var key = _storage.Key(path);
            if (await _storage.Store.DeleteAsync(key, cancellationToken: cancellation)) deleted.Add(key);
        }
        return deleted;
    }
}
