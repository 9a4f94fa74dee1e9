using GrainFlow.Jobs;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>
/// One job's incremental checkpoints on a real store, driven as the checkpoint coordinator and a subtask drive
/// them: a fake backend writes local files (RocksDB's SST, MANIFEST, CURRENT) into a temp directory, the uploader
/// uploads them, the completion writes <c>_metadata</c>, adds the checkpoint to the store (subsuming the oldest),
/// registers it, deletes the subsumed <c>chk-n</c>, releases their shared files and sweeps orphans — the order
/// <c>CheckpointCoordinatorGrain</c> follows.
/// </summary>
internal sealed class IncrementalCheckpointHarness
{
    private static readonly KeyGroupRange Range = new(0, 127);
    private readonly string _localDirectory;
    // Checkpoints triggered and not completed, as the coordinator's pending checkpoints (lost with its activation).
    private readonly SortedSet<long> _pending = new();

    public IncrementalCheckpointHarness(CheckpointStorage storage, string localDirectory, int numRetained = 1, JobId? jobId = null,
        ExternalizedCheckpointRetention retention = ExternalizedCheckpointRetention.RetainOnCancellation)
    {
        Storage = storage;
        JobId = jobId ?? JobId.New();
        _localDirectory = localDirectory;
        Directory.CreateDirectory(localDirectory);
        Store = new CompletedCheckpointStore(numRetained);
        Retention = retention;
    }

    public CheckpointStorage Storage { get; }

    public JobId JobId { get; }

    public CompletedCheckpointStore Store { get; private set; }

    public ExternalizedCheckpointRetention Retention { get; }

    public SharedStateFiles Files { get; private set; } = null!;

    /// <summary>The backend instance.</summary>
    public Guid BackendId { get; } = Guid.NewGuid();

    /// <summary>The subtask's memory of confirmed uploads (a restored backend starts from the restored handle).</summary>
    public UploadedSharedFiles Uploaded { get; set; } = new();

    public async Task StartAsync() => Files = await SharedStateFiles.RebuildAsync(Storage, JobId, Store.All, GrainFlow.Configuration.GrainFlowConfiguration.Empty);

    /// <summary>The subtask's part: the local checkpoint holds <paramref name="sstFiles"/> plus MANIFEST and CURRENT; uploaded as the barrier asks.</summary>
    public async Task<(OperatorSnapshot Snapshot, long UploadedBytes)> SnapshotAsync(long checkpointId, IEnumerable<string> sstFiles, bool fullSnapshot = false)
    {
        _pending.Add(checkpointId);
        var local = Path.Combine(_localDirectory, $"chk-{checkpointId}");
        Directory.CreateDirectory(local);
        var files = new List<LocalStateFile>();
        foreach (var name in sstFiles.Append($"MANIFEST-{checkpointId:D6}").Append("CURRENT"))
        {
            // An SST file's content depends only on its name (immutable); the others change with each checkpoint.
            var path = Path.Combine(local, name);
            await File.WriteAllTextAsync(path, name.EndsWith(".sst", StringComparison.Ordinal) ? $"sst {name} of {BackendId}" : $"{name} at checkpoint {checkpointId}");
            files.Add(new LocalStateFile(name, path, new FileInfo(path).Length));
        }
        var (handle, uploaded) = await IncrementalSnapshotUploader.UploadAsync(IncrementalSnapshotTarget.ForCheckpoint(Storage, JobId, checkpointId),
            "count", Range, BackendId, files, Uploaded.Previous, fullSnapshot);
        Uploaded.Uploaded(handle);
        return (new OperatorSnapshot("count", Range, null, null, IncrementalState: handle), uploaded);
    }

    public static CheckpointMetadata Metadata(JobId jobId, long checkpointId, OperatorSnapshot snapshot) => CheckpointMetadata.Create(jobId.Value, "keyed-count", checkpointId,
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, false, 128,
        [new VertexStateMetadata("count", 1, [new SubtaskSnapshot("count", 0, [snapshot], TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)])], null);

    /// <summary>The coordinator's part once every subtask acknowledged; returns why it could not complete, or null.</summary>
    public async Task<string?> CompleteAsync(long checkpointId, OperatorSnapshot snapshot)
    {
        var metadata = Metadata(JobId, checkpointId, snapshot);
        if (Files.Registry.UnknownReference(checkpointId, IncrementalStateReferences.SharedPaths(metadata)) is { } unknown) return unknown;
        var directory = Storage.Key(CheckpointLayout.CheckpointDirectory(JobId, checkpointId));
        await Storage.Store.PutAsync(directory + CheckpointLayout.MetadataFileName, metadata.ToBytes(), WriteCondition.IfNotExists);
        var completed = new CompletedCheckpoint(JobId, checkpointId, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            CheckpointProperties.ForCheckpoint(Retention), Storage.ExternalPath(CheckpointLayout.CheckpointDirectory(JobId, checkpointId)),
            directory, snapshot.IncrementalState!.StateSize, Storage.Store.Location);
        var subsumed = Store.Add(completed);
        Files.Register(completed, metadata);
        _pending.Remove(checkpointId);
        // Older checkpoints in flight are aborted, and their directories deleted.
        foreach (var older in _pending.Where(id => id < checkpointId).ToList())
        {
            _pending.Remove(older);
            await SnapshotDeletion.DeleteOwnAsync(Storage.Store, Storage.Key(CheckpointLayout.CheckpointDirectory(JobId, older)));
        }
        Uploaded.NotifyCheckpointComplete(checkpointId);
        await DiscardAsync(subsumed);
        await Files.DeleteOrphansAsync(checkpointId);
        return null;
    }

    public async Task CheckpointAsync(long checkpointId, params string[] sstFiles)
    {
        var (snapshot, _) = await SnapshotAsync(checkpointId, sstFiles);
        Assert.Null(await CompleteAsync(checkpointId, snapshot));
    }

    /// <summary>The job ends with <paramref name="status"/>: what the retention policy discards goes, and the job directory when nothing is kept.</summary>
    public async Task ShutdownAsync(JobStatus status)
    {
        // Every pending checkpoint is aborted first.
        _pending.Clear();
        var kept = Store.All.Where(c => !c.ShouldBeDiscardedOnShutdown(status)).ToList();
        await DiscardAsync(Store.Shutdown(status));
        Store = new CompletedCheckpointStore(Store.MaxRetained, kept);
        if (kept.Count == 0) await SnapshotDeletion.DeleteOwnJobDirectoryAsync(Storage.Store, Storage.Key(CheckpointLayout.JobDirectory(JobId)));
        else await SweepAsync(long.MaxValue);
    }

    /// <summary>A new attempt starts (after a failure): every pending checkpoint is aborted, stray <c>chk-n</c> and orphaned shared files go.</summary>
    public async Task StartAttemptAsync()
    {
        _pending.Clear();
        await SweepAsync(long.MaxValue);
    }

    private async Task SweepAsync(long upToCheckpointId)
    {
        var retained = Store.All.Select(c => c.DirectoryKey).ToHashSet(StringComparer.Ordinal);
        var prefix = Storage.Key(CheckpointLayout.JobDirectory(JobId) + CheckpointLayout.CheckpointPrefix);
        var stray = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var info in Storage.Store.ListAsync(prefix))
        {
            var directory = info.Key[..(info.Key.IndexOf('/', prefix.Length) + 1)];
            if (!retained.Contains(directory) && !_pending.Contains(long.Parse(directory[prefix.Length..^1]))) stray.Add(directory);
        }
        foreach (var directory in stray) await SnapshotDeletion.DeleteOwnAsync(Storage.Store, directory);
        await Files.DeleteOrphansAsync(upToCheckpointId);
    }

    /// <summary>A new coordinator activation: it knows only the retained checkpoints, and rebuilds the registry from their <c>_metadata</c>.</summary>
    public Task ReactivateAsync()
    {
        _pending.Clear();
        Store = new CompletedCheckpointStore(Store.MaxRetained, Store.All);
        return StartAsync();
    }

    /// <summary>
    /// Every key the retained checkpoints need (their <c>_metadata</c>, private and shared files), read back from their
    /// <c>_metadata</c> — what must be in the store, no more and no less.
    /// </summary>
    public async Task<SortedSet<string>> NeededKeysAsync(IEnumerable<CompletedCheckpoint>? retained = null)
    {
        var needed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var checkpoint in retained ?? Store.All)
        {
            var metadata = CheckpointMetadata.FromBytes((await Storage.Store.GetAsync(checkpoint.MetadataKey))!.Data, checkpoint.ExternalPath);
            needed.Add(checkpoint.MetadataKey);
            foreach (var file in IncrementalStateReferences.PrivatePaths(metadata)) needed.Add(checkpoint.DirectoryKey + file);
            foreach (var file in IncrementalStateReferences.SharedPaths(metadata)) needed.Add(Storage.Key(file));
        }
        return needed;
    }

    public async Task<SortedSet<string>> StoredKeysAsync(string prefix = "")
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var info in Storage.Store.ListAsync(Storage.Key(prefix))) keys.Add(info.Key);
        return keys;
    }

    /// <summary>The key of the shared file holding local SST <paramref name="localName"/> as the last snapshot referenced it.</summary>
    public string SharedKeyOf(string localName) => Storage.Key(Uploaded.Previous[localName].Path);

    private async Task DiscardAsync(IReadOnlyList<CompletedCheckpoint> checkpoints)
    {
        foreach (var checkpoint in checkpoints) await SnapshotDeletion.DeleteOwnAsync(Storage.Store, checkpoint.DirectoryKey);
        await Files.ReleaseAsync(checkpoints);
    }
}
