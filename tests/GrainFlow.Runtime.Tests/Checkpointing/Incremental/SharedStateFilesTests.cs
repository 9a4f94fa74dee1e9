using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>
/// Shared files of incremental checkpoints on a real directory, through subsumption, cancellation under each
/// retention policy, NO_CLAIM and CLAIM restores, a crash between upload and completion, and a coordinator
/// reactivation: after each step the store holds exactly what the retained checkpoints need — no file left behind
/// and none missing.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SharedStateFilesTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new("grainflow-shared-state");

    private CheckpointStorage NewStorage() => CheckpointStorage.OnStore(new FileSystemObjectStore(_temp.Combine("checkpoints")));

    private async Task<IncrementalCheckpointHarness> StartedAsync(int numRetained = 1, ExternalizedCheckpointRetention retention = ExternalizedCheckpointRetention.RetainOnCancellation,
        CheckpointStorage? storage = null)
    {
        var job = new IncrementalCheckpointHarness(storage ?? NewStorage(), _temp.Combine("local", Guid.NewGuid().ToString("N")), numRetained, retention: retention);
        await job.StartAsync();
        return job;
    }

    private static async Task AssertExactlyWhatIsNeededAsync(IncrementalCheckpointHarness job) =>
        Assert.Equal(await job.NeededKeysAsync(), await job.StoredKeysAsync(CheckpointLayout.JobDirectory(job.JobId)));

    private static async Task AssertExactlyTheSharedFilesNeededAsync(IncrementalCheckpointHarness job) =>
        Assert.Equal((await job.NeededKeysAsync()).Where(k => k.Contains("/shared/", StringComparison.Ordinal)),
            await job.StoredKeysAsync(CheckpointLayout.SharedDirectory(job.JobId)));

    [Fact]
    public async Task OnlyNewSstFilesAreUploadedAndASubsumedCheckpointsFilesGoOnceNoRetainedCheckpointNeedsThem()
    {
        var job = await StartedAsync(numRetained: 2);
        await job.CheckpointAsync(1, "000001.sst", "000002.sst");
        var first = job.SharedKeyOf("000001.sst");
        await job.CheckpointAsync(2, "000002.sst", "000003.sst");
        await AssertExactlyWhatIsNeededAsync(job);
        Assert.Equal(2, job.Files.Registry.ReferenceCount(job.Uploaded.Previous["000002.sst"].Path));

        // Checkpoint 3 subsumes 1: 000001.sst was only 1's, 000002.sst is still 2's.
        await job.CheckpointAsync(3, "000003.sst", "000004.sst");

        Assert.DoesNotContain(first, await job.StoredKeysAsync());
        await AssertExactlyWhatIsNeededAsync(job);
        Assert.Equal([2L, 3L], job.Store.All.Select(c => c.CheckpointId));
    }

    [Theory]
    [InlineData(ExternalizedCheckpointRetention.NoExternalizedCheckpoints, JobStatus.Canceled, false)]
    [InlineData(ExternalizedCheckpointRetention.DeleteOnCancellation, JobStatus.Canceled, false)]
    [InlineData(ExternalizedCheckpointRetention.DeleteOnCancellation, JobStatus.Failed, true)]
    [InlineData(ExternalizedCheckpointRetention.RetainOnCancellation, JobStatus.Canceled, true)]
    [InlineData(ExternalizedCheckpointRetention.RetainOnCancellation, JobStatus.Finished, false)]
    public async Task TheEndOfTheJobDeletesOrKeepsTheSharedFilesAsTheRetentionPolicyDoesTheCheckpoints(
        ExternalizedCheckpointRetention retention, JobStatus status, bool kept)
    {
        var job = await StartedAsync(numRetained: 2, retention);
        await job.CheckpointAsync(1, "000001.sst", "000002.sst");
        await job.CheckpointAsync(2, "000002.sst", "000003.sst");
        // Checkpoint 3 uploaded and never completed: an orphan, whatever the policy.
        await job.SnapshotAsync(3, ["000003.sst", "000004.sst"]);
        var retained = job.Store.All.ToList();
        var needed = await job.NeededKeysAsync();

        await job.ShutdownAsync(status);

        var stored = await job.StoredKeysAsync();
        if (kept)
        {
            Assert.Equal(needed, stored);
            Assert.Equal(retained, job.Store.All);
        }
        else
        {
            Assert.Empty(stored);
            Assert.False(Directory.Exists(_temp.Combine("checkpoints", job.JobId.Value)));
        }
    }

    [Fact]
    public async Task FilesUploadedForACheckpointThatNeverCompletedAreDeletedAtTheNextCompletionButNotThoseOfOneInFlight()
    {
        var job = await StartedAsync();
        await job.CheckpointAsync(1, "000001.sst");
        // The subtask uploaded checkpoint 2, then the coordinator crashed before it completed.
        var (lost, _) = await job.SnapshotAsync(2, ["000001.sst", "000002.sst"]);
        var orphans = lost.IncrementalState!.SharedState.Where(f => f.Path.EndsWith("000002.sst", StringComparison.Ordinal)).Select(f => job.Storage.Key(f.Path)).ToList();
        Assert.Single(orphans);
        // Checkpoint 4 is in flight (concurrent checkpoints) while 3 completes.
        var (inFlight, _) = await job.SnapshotAsync(4, ["000001.sst", "000005.sst"]);
        await job.CheckpointAsync(3, "000001.sst", "000003.sst");

        var stored = await job.StoredKeysAsync();
        Assert.DoesNotContain(orphans[0], stored);
        Assert.Contains(job.Storage.Key(inFlight.IncrementalState!.SharedState.Single(f => f.LocalPath == "000005.sst").Path), stored);

        Assert.Null(await job.CompleteAsync(4, inFlight));
        await AssertExactlyWhatIsNeededAsync(job);
    }

    [Fact]
    public async Task AReactivatedCoordinatorRebuildsTheRegistryFromTheRetainedMetadataAndDeletesWhatTheOldOneLeftBehind()
    {
        var job = await StartedAsync(numRetained: 2);
        await job.CheckpointAsync(1, "000001.sst", "000002.sst");
        await job.CheckpointAsync(2, "000002.sst", "000003.sst");
        var counts = job.Files.Registry.RegisteredFiles.ToDictionary(f => f, job.Files.Registry.ReferenceCount);
        // The old activation triggered checkpoint 3, its subtask uploaded, and the activation died.
        await job.SnapshotAsync(3, ["000003.sst", "000004.sst"]);

        await job.ReactivateAsync();

        Assert.Equal(counts, job.Files.Registry.RegisteredFiles.ToDictionary(f => f, job.Files.Registry.ReferenceCount));
        // The next completion deletes the orphans of checkpoint 3; its chk-3 (private files, no _metadata) goes when the next attempt starts.
        await job.CheckpointAsync(4, "000003.sst", "000005.sst");
        await AssertExactlyTheSharedFilesNeededAsync(job);
        Assert.Equal([2L, 4L], job.Store.All.Select(c => c.CheckpointId));
        await job.StartAttemptAsync();
        await AssertExactlyWhatIsNeededAsync(job);
    }

    [Fact]
    public async Task NothingSharedIsDeletedWhileARetainedCheckpointsMetadataCannotBeRead()
    {
        var job = await StartedAsync(numRetained: 2);
        await job.CheckpointAsync(1, "000001.sst");
        await job.CheckpointAsync(2, "000002.sst");
        var before = await job.StoredKeysAsync();
        await job.Storage.Store.PutAsync(job.Store.All[0].MetadataKey, "damaged"u8.ToArray());

        await job.ReactivateAsync();
        await job.Files.ReleaseAsync(job.Store.All);
        await job.Files.DeleteOrphansAsync(long.MaxValue);

        Assert.Single(job.Files.Unreadable);
        Assert.Equal(before, await job.StoredKeysAsync());
    }

    [Fact]
    public async Task ANoClaimRestoreBaseKeepsItsSharedFilesAndTheFirstCheckpointAfterItReusesNone()
    {
        var storage = NewStorage();
        var old = await StartedAsync(storage: storage);
        await old.CheckpointAsync(1, "000001.sst", "000002.sst");
        var baseKeys = await old.StoredKeysAsync(CheckpointLayout.JobDirectory(old.JobId));
        var restored = Restored(old.Store.Latest!, CheckpointProperties.ForUnclaimedSnapshot());

        var job = await StartedAsync(retention: ExternalizedCheckpointRetention.NoExternalizedCheckpoints, storage: storage);
        job.Store.Add(restored);
        await job.ReactivateAsync();
        // NO_CLAIM: the barrier asks for a full snapshot, so nothing of the base is reused.
        var (snapshot, _) = await job.SnapshotAsync(6, ["000001.sst", "000003.sst"], fullSnapshot: true);
        Assert.All(snapshot.IncrementalState!.SharedState, f => Assert.StartsWith($"{job.JobId}/shared/", f.Path));
        Assert.Null(await job.CompleteAsync(6, snapshot));
        await job.Files.ReleaseAsync([restored]);
        await job.ShutdownAsync(JobStatus.Canceled);

        Assert.Equal(baseKeys, await old.StoredKeysAsync(CheckpointLayout.JobDirectory(old.JobId)));
    }

    [Fact]
    public async Task AClaimedCheckpointsSharedFilesAreReusedAndDeletedOnceNoRetainedCheckpointNeedsThem()
    {
        var storage = NewStorage();
        var old = await StartedAsync(storage: storage);
        await old.CheckpointAsync(1, "000001.sst", "000002.sst");
        var claimed = Restored(old.Store.Latest!, CheckpointProperties.ForCheckpoint(ExternalizedCheckpointRetention.RetainOnCancellation));
        var oldShared = (await old.StoredKeysAsync(CheckpointLayout.SharedDirectory(old.JobId))).ToList();

        var job = await StartedAsync(storage: storage);
        job.Store.Add(claimed);
        await job.ReactivateAsync();
        Assert.True(job.Files.SharesStorageWith(claimed));
        // As the job manager registers a snapshot given by its path: a store rooted at its directory.
        var byPath = claimed with { DirectoryKey = "", StorageLocation = new FileSystemObjectStore(_temp.Combine("checkpoints", old.JobId.Value, "chk-1")).Location };
        Assert.True(job.Files.SharesStorageWith(byPath));
        Assert.False(job.Files.SharesStorageWith(byPath with { StorageLocation = new FileSystemObjectStore(_temp.Combine("elsewhere", old.JobId.Value, "chk-1")).Location }));
        // The restored backend starts from the claimed checkpoint's files.
        var restoredHandle = (await ReadAsync(storage, claimed)).OperatorSnapshots("count").Single().IncrementalState!;
        job.Uploaded = UploadedSharedFiles.Restored(restoredHandle);
        var (snapshot, uploaded) = await job.SnapshotAsync(2, ["000001.sst", "000002.sst", "000003.sst"]);
        Assert.Contains(snapshot.IncrementalState!.SharedState, f => f.Path.StartsWith($"{old.JobId}/shared/", StringComparison.Ordinal));
        Assert.Null(await job.CompleteAsync(2, snapshot));
        // The claimed checkpoint was subsumed by 2, which still references the files of the old job.
        Assert.Equal(oldShared, await job.StoredKeysAsync(CheckpointLayout.SharedDirectory(old.JobId)));

        await job.CheckpointAsync(3, "000003.sst", "000004.sst");

        Assert.Empty(await job.StoredKeysAsync(CheckpointLayout.SharedDirectory(old.JobId)));
        await AssertExactlyWhatIsNeededAsync(job);
        Assert.True(uploaded > 0);
    }

    private static async Task<CheckpointMetadata> ReadAsync(CheckpointStorage storage, CompletedCheckpoint checkpoint) =>
        CheckpointMetadata.FromBytes((await storage.Store.GetAsync(checkpoint.MetadataKey))!.Data, checkpoint.ExternalPath);

    /// <summary>How the job manager registers a snapshot a new job starts from (its own id is the old checkpoint's).</summary>
    private static CompletedCheckpoint Restored(CompletedCheckpoint checkpoint, CheckpointProperties properties) => checkpoint with { Properties = properties };

    public void Dispose() => _temp.Dispose();
}
