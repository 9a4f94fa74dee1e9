using GrainFlow.Checkpoints;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Azurite;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Polling;
using GrainFlow.Testing.Processes;

namespace GrainFlow.Runtime.Tests.Checkpointing;

/// <summary>
/// Checkpoint storage that fills up or goes away while a job runs: checkpoints are declined with the
/// reason in the statistics, the job keeps running within <c>tolerable-failed-checkpoints</c>, nothing
/// half-written is ever taken for a completed checkpoint, and checkpoints succeed again once the
/// storage is back. The full disk is a real one: a small tmpfs mounted by the test.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class StorageFaultTests(SharedClusterFixture fixture)
{
    private static Dictionary<string, string> Settings(string checkpointDirectory, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["records-per-second"] = "2000",
            ["execution.checkpointing.interval"] = "100 ms",
            ["execution.checkpointing.dir"] = checkpointDirectory,
            // Every subtask writes a file, so a full disk is felt by every checkpoint.
            ["execution.checkpointing.data-inline-threshold"] = "0",
            ["execution.checkpointing.tolerable-failed-checkpoints"] = "1000",
            ["execution.checkpointing.externalized-checkpoint-retention"] = "RETAIN_ON_CANCELLATION",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    private static async Task<CheckpointStatsSnapshot> WaitForStatsAsync(GrainFlowTestCluster cluster, JobId jobId, Func<CheckpointStatsSnapshot, bool> condition, string what)
    {
        CheckpointStatsSnapshot? stats = null;
        await Poll.UntilAsync(async () => condition(stats = await cluster.Job(jobId).GetCheckpointStatsAsync()), what, TimeSpan.FromSeconds(90),
            () => $"{stats?.Completed} completed, {stats?.Failed} failed, latest failure: {stats?.LatestFailed?.FailureMessage}");
        return stats!;
    }

    /// <summary>Asserts the job runs its first attempt, and that its latest completed checkpoint is intact, every file of it.</summary>
    private static async Task AssertRunningWithIntactLatestAsync(GrainFlowTestCluster cluster, JobId jobId, IObjectStore store, string directoryKeyOfJob)
    {
        var details = await cluster.Job(jobId).GetDetailsAsync();
        Assert.True(details.Status == JobStatus.Running && details.Attempt == 1, $"{details.Status} attempt {details.Attempt}: {details.Failure?.Message}");
        var latest = (await cluster.Job(jobId).GetCheckpointStatsAsync()).LatestCompleted!;
        await SnapshotVerifier.OpenVerifiedAsync(store, $"{directoryKeyOfJob}chk-{latest.Id}/", latest.ExternalPath!, GrainFlow.Configuration.GrainFlowConfiguration.Empty);
    }

    [Fact]
    public async Task CheckpointsOnAFullDiskAreDeclinedWithTheReasonTheJobKeepsRunningAndTheyCompleteAgainOnceSpaceReturns()
    {
        await using var disk = await SmallFileSystem.MountAsync(fixture.Directory.Combine($"small-disk-{Guid.NewGuid():N}"), 16 * 1024 * 1024);
        var cluster = fixture.Cluster;
        // Every checkpoint retained: deleting a subsumed one would free just the space the next one needs.
        var jobId = await cluster.SubmitAsync(CheckpointedCountJob.Name, Settings(disk.Path, ("execution.checkpointing.num-retained", "1000")), parallelism: 2);
        var store = new FileSystemObjectStore(disk.Path);
        await WaitForStatsAsync(cluster, jobId, s => s.Completed >= 2, "no checkpoint completed before the disk was filled");

        disk.Fill();
        var full = await WaitForStatsAsync(cluster, jobId, s => s.Failed >= 3, "no checkpoint failed on the full disk");
        Assert.True(full.LatestFailed!.FailureMessage!.Contains("is out of disk space", StringComparison.Ordinal), full.LatestFailed.FailureMessage);
        var completedWhileFull = full.Completed;
        await WaitForStatsAsync(cluster, jobId, s => s.Failed >= full.Failed + 3, "checkpoints stopped being attempted on the full disk");
        await AssertRunningWithIntactLatestAsync(cluster, jobId, store, $"{jobId}/");

        disk.Free();
        await WaitForStatsAsync(cluster, jobId, s => s.Completed >= completedWhileFull + 2, "checkpoints did not complete again once space returned");
        await AssertRunningWithIntactLatestAsync(cluster, jobId, store, $"{jobId}/");

        Assert.Equal(JobStatus.Canceled, await cluster.Job(jobId).CancelAsync());
        // What is left are the retained checkpoints, each intact, and nothing else: no half-written file of a declined one.
        var stats = await cluster.Job(jobId).GetCheckpointStatsAsync();
        var retained = Directory.GetDirectories(Path.Combine(disk.Path, jobId.Value)).Order().ToList();
        var listing = string.Join(", ", Directory.GetFileSystemEntries(Path.Combine(disk.Path, jobId.Value), "*", SearchOption.AllDirectories).Select(e => e[disk.Path.Length..]));
        Assert.True(retained.All(r => File.Exists(Path.Combine(r, "_metadata"))), listing);
        foreach (var checkpoint in retained) await SnapshotVerifier.OpenVerifiedAsync(new FileSystemObjectStore(checkpoint), "", checkpoint, GrainFlow.Configuration.GrainFlowConfiguration.Empty);
        Assert.Equal(stats.Completed, retained.Count);
        Assert.Equal(retained.SelectMany(Directory.GetFiles).Order(), Directory.GetFiles(disk.Path, "*", SearchOption.AllDirectories).Order());
    }

    [Fact]
    public async Task CheckpointsToUnreachableBlobStorageAreDeclinedWithTheReasonAndCompleteAgainWhenItIsBack()
    {
        // An emulator of its own: stopping the shared one would fail every other blob test.
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            var container = azurite.NewContainerName("outage");
            var cluster = fixture.Cluster;
            // Every checkpoint retained: with one retained, the next checkpoint (100 ms later) subsumes and
            // deletes the latest while the test is still reading its files.
            var jobId = await cluster.SubmitAsync(CheckpointedCountJob.Name, Settings($"azblob://{container}",
                ("grainflow.storage.azure.connection-string", azurite.ConnectionString), ("execution.checkpointing.num-retained", "1000")), parallelism: 2);
            var store = azurite.CreateStore(container);
            await WaitForStatsAsync(cluster, jobId, s => s.Completed >= 2, "no checkpoint completed before the storage went away");

            azurite.Stop();
            var down = await WaitForStatsAsync(cluster, jobId, s => s.Failed >= 2, "no checkpoint failed while the storage was unreachable");
            Assert.Contains("Connection refused", down.LatestFailed!.FailureMessage);
            var details = await cluster.Job(jobId).GetDetailsAsync();
            Assert.True(details.Status == JobStatus.Running && details.Attempt == 1, $"{details.Status} attempt {details.Attempt}: {details.Failure?.Message}");

            await azurite.StartAgainAsync();
            await WaitForStatsAsync(cluster, jobId, s => s.Completed >= down.Completed + 2, "checkpoints did not complete again once the storage was back");
            await AssertRunningWithIntactLatestAsync(cluster, jobId, store, $"{jobId}/");
            Assert.Equal(JobStatus.Canceled, await cluster.Job(jobId).CancelAsync());
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task CheckpointsToUnreachableStorageBeyondTheTolerableNumberFailTheJobWithTheStoragesReason()
    {
        using var unreachable = AzuriteFixture.CreateUnreachableEndpoint();
        var cluster = fixture.Cluster;
        var jobId = await cluster.SubmitAsync(CheckpointedCountJob.Name, Settings("azblob://never-reached",
            ("grainflow.storage.azure.connection-string", unreachable.ConnectionString),
            ("execution.checkpointing.tolerable-failed-checkpoints", "2"), ("restart-strategy.type", "none")), parallelism: 2);

        var details = await cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2));

        Assert.Equal(JobStatus.Failed, details.Status);
        Assert.StartsWith("Exceeded checkpoint tolerable failure threshold (2): ", details.Failure!.Message);
        Assert.Contains(unreachable.BlobEndpoint, details.Failure.Message);
        // Three failures in a row exceed 2; one more may have been in flight and aborted as the job ended.
        Assert.InRange((await cluster.Job(jobId).GetCheckpointStatsAsync()).Failed, 3, 4);
    }
}
