using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Azurite;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Tests.Savepoints;

/// <summary>
/// Damaged snapshots in Azure Blob storage (Azurite): <c>run -s</c> refuses them at submission naming
/// the blob, <c>--resume latest</c> and automatic recovery pass over them to the newest intact checkpoint.
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class AzuriteDamagedSnapshotTests(AzuriteFixture azurite) : IDisposable
{
    private const long Records = 12_000;
    private const long Keys = 40;
    private readonly TemporaryDirectory _temp = new("grainflow-azure-damaged");

    private Dictionary<string, string> Settings(string container, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["records"] = Records.ToString(),
            ["keys"] = Keys.ToString(),
            ["records-per-second"] = "3000",
            ["execution.checkpointing.dir"] = $"azblob://{container}",
            ["grainflow.storage.azure.connection-string"] = azurite.ConnectionString,
            ["execution.checkpointing.data-inline-threshold"] = "0",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    /// <summary>The keys of the job's checkpoint directories that hold a <c>_metadata</c>, oldest first.</summary>
    private static async Task<List<string>> CheckpointDirectoriesAsync(IObjectStore store, JobId jobId)
    {
        var directories = new List<string>();
        await foreach (var blob in store.ListAsync($"{jobId}/"))
        {
            if (blob.Key.EndsWith("/_metadata", StringComparison.Ordinal)) directories.Add(blob.Key[..^"_metadata".Length]);
        }
        return directories.OrderBy(d => long.Parse(d.TrimEnd('/').Split("/chk-")[1])).ToList();
    }

    private static async Task<long> CountOfEveryKeyAsync(GrainFlowTestCluster cluster, JobId jobId)
    {
        var counts = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            counts.AddRange((await cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "count", i)).GetKeyedStateAsync("count", Silo.Examples.KeyedCountJob.CountPerKey.StateName))
                .Select(e => long.Parse(e.Value)));
        }
        Assert.Equal((int)Keys, counts.Count);
        return counts.Distinct().Single();
    }

    [Fact]
    public async Task RunFromADamagedBlobSnapshotIsRefusedNamingTheBlobAndResumeLatestFallsBackToTheNewestIntactOne()
    {
        var container = azurite.NewContainerName("damaged");
        var store = azurite.CreateStore(container);
        await using var cluster = await RuntimeCluster.StartAsync(new FileSystemObjectStore(_temp.Combine("store")), silos: 1);
        var first = await cluster.SubmitAsync(CheckpointedCountJob.Name, Settings(container, ("records-per-second", "1000"),
            ("execution.checkpointing.interval", "100 ms"), ("execution.checkpointing.num-retained", "3"),
            ("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")), 2);
        await cluster.WaitForCompletedCheckpointsAsync(first, 3);
        Assert.Equal(JobStatus.Canceled, await cluster.Job(first).CancelAsync());
        var retained = await CheckpointDirectoriesAsync(store, first);
        Assert.Equal(3, retained.Count);

        var flipped = await SnapshotDamage.ApplyAsync(store, retained[2], SnapshotDamageKind.FlippedStateByte);
        await SnapshotDamage.ApplyAsync(store, retained[1], SnapshotDamageKind.ChangedSourceOffset);
        var jobsBefore = (await cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count;
        foreach (var (damaged, file) in new[] { (retained[2], flipped), (retained[1], "_metadata") })
        {
            var path = $"azblob://{container}/{damaged.TrimEnd('/')}";
            var refused = await Assert.ThrowsAsync<SavepointException>(() => cluster.SubmitAsync(CheckpointedCountJob.Name,
                Settings(container, ("execution.state-recovery.path", path)), 2));
            Assert.StartsWith($"Cannot restore from '{path}': ", refused.Message);
            Assert.Contains($"{damaged}{file}' is damaged", refused.Message);
        }
        Assert.Equal(jobsBefore, (await cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count);

        var resumed = await cluster.SubmitAsync(CheckpointedCountJob.Name, Settings(container, ("grainflow.state-recovery.resume", "latest")), 2);
        var details = await cluster.WaitForEndAsync(resumed, TimeSpan.FromMinutes(2));
        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.Contains($"/{container}/{retained[0].TrimEnd('/')} ", details.StateOrigin);
        Assert.Contains("skipped 2 damaged snapshot(s)", details.StateOrigin);
        Assert.Equal(2, (await cluster.Job(resumed).GetCheckpointStatsAsync()).LatestRestore!.Skipped!.Count);
        Assert.Equal(Records / Keys, await CountOfEveryKeyAsync(cluster, resumed));
    }

    [Fact]
    public async Task AutomaticRecoveryFromBlobStoragePassesOverAMissingStateBlobToTheNewestIntactCheckpointAndLogsWhatItSkipped()
    {
        var container = azurite.NewContainerName("recover");
        var store = azurite.CreateStore(container);
        var log = new CapturedLog("GrainFlow.");
        await using var cluster = await GrainFlowTestCluster.StartAsync(new FileSystemObjectStore(_temp.Combine("store-recovery")), 1, silo =>
        {
            RuntimeCluster.RegisterTestJobs(silo);
            silo.Services.AddLogging(logging => logging.AddProvider(log));
        });
        var plan = FailurePlan.Create([]);
        var jobId = await cluster.SubmitAsync(CheckpointedCountJob.Name, Settings(container, ("records-per-second", "1500"), ("failure-plan", plan),
            ("execution.checkpointing.interval", "1 h"), ("execution.checkpointing.num-retained", "2"),
            ("restart-strategy.type", "fixed-delay"), ("restart-strategy.fixed-delay.delay", "50 ms")), 2);
        await cluster.WaitForRecordsAsync(jobId, "count", 2, 300);
        for (var i = 0; i < 2; i++) await cluster.CheckpointNowAsync(jobId);
        var retained = await CheckpointDirectoriesAsync(store, jobId);
        Assert.Equal(2, retained.Count);
        var missing = await SnapshotDamage.ApplyAsync(store, retained[1], SnapshotDamageKind.MissingStateFile);

        var offsets = (await cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "numbers", 0)).GetMetricsAsync()).SourceOffsets;
        FailurePlan.Add(plan, 4 * (offsets["split-0"] + 100));
        var details = await cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2));

        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.Contains($"/{container}/{retained[0]}", details.StateOrigin);
        Assert.Contains($"skipped 1 damaged snapshot(s): checkpoint", details.StateOrigin);
        Assert.Contains($"{retained[1]}{missing}' is missing", details.StateOrigin);
        Assert.Equal(Records / Keys, await CountOfEveryKeyAsync(cluster, jobId));
        var skipped = Assert.Single(log.Messages(LogLevel.Warning), m => m.StartsWith($"Job {jobId}: skipped damaged checkpoint", StringComparison.Ordinal));
        Assert.Contains($"{retained[1]}{missing}' is missing", skipped);
    }

    [Fact]
    public async Task EveryOtherKindOfDamageToABlobSnapshotIsRefusedAtSubmissionNamingTheBlobAndCreatesNothing()
    {
        var kinds = new (SnapshotDamageKind Kind, string Problem)[]
        {
            (SnapshotDamageKind.TruncatedStateFile, "truncated"),
            (SnapshotDamageKind.ExtraReferencedStateFile, "not in its list of state files"),
            (SnapshotDamageKind.StateFileOutsideTheSnapshot, "not a file name inside the snapshot's directory"),
            (SnapshotDamageKind.GarbledMetadata, "damaged"),
        };
        var container = azurite.NewContainerName("kinds");
        var store = azurite.CreateStore(container);
        await using var cluster = await RuntimeCluster.StartAsync(new FileSystemObjectStore(_temp.Combine("store-kinds")), silos: 1);
        var first = await cluster.SubmitAsync(CheckpointedCountJob.Name, Settings(container, ("records-per-second", "1000"),
            ("execution.checkpointing.interval", "1 h"), ("execution.checkpointing.num-retained", kinds.Length.ToString()),
            ("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")), 2);
        await cluster.WaitForRecordsAsync(first, "count", 2, 100);
        for (var i = 0; i < kinds.Length; i++) await cluster.CheckpointNowAsync(first);
        Assert.Equal(JobStatus.Canceled, await cluster.Job(first).CancelAsync());
        var retained = await CheckpointDirectoriesAsync(store, first);
        Assert.Equal(kinds.Length, retained.Count);
        var registry = cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey);
        var jobsBefore = (await registry.ListJobsAsync()).Count;

        foreach (var ((kind, problem), damaged) in kinds.Zip(retained))
        {
            var file = await SnapshotDamage.ApplyAsync(store, damaged, kind);
            var path = $"azblob://{container}/{damaged.TrimEnd('/')}";
            var newCheckpoints = azurite.NewContainerName("never");
            var refused = await Assert.ThrowsAsync<SavepointException>(() => cluster.SubmitAsync(CheckpointedCountJob.Name,
                Settings(newCheckpoints, ("execution.state-recovery.path", path), ("execution.checkpointing.interval", "100 ms")), 2));

            Assert.StartsWith($"Cannot restore from '{path}': ", refused.Message);
            Assert.Contains(file, refused.Message);
            Assert.True(refused.Message.Contains(problem, StringComparison.Ordinal), $"{kind}: expected '{problem}' in '{refused.Message}'");
            Assert.DoesNotContain('\n', refused.Message);
            await foreach (var written in azurite.CreateStore(newCheckpoints).ListAsync("")) Assert.Fail($"{kind}: a refused submission wrote '{written.Key}'");
        }
        Assert.Equal(jobsBefore, (await registry.ListJobsAsync()).Count);
    }

    [Fact]
    public async Task AJobWhoseEveryRetainedBlobCheckpointIsDamagedFailsWithThatCauseInsteadOfRestarting()
    {
        var container = azurite.NewContainerName("unrecoverable");
        var store = azurite.CreateStore(container);
        await using var cluster = await RuntimeCluster.StartAsync(new FileSystemObjectStore(_temp.Combine("store-unrecoverable")), silos: 1);
        var plan = FailurePlan.Create([]);
        var jobId = await cluster.SubmitAsync(CheckpointedCountJob.Name, Settings(container, ("records-per-second", "1500"), ("failure-plan", plan),
            ("execution.checkpointing.interval", "1 h"), ("execution.checkpointing.num-retained", "2"),
            ("restart-strategy.type", "fixed-delay"), ("restart-strategy.fixed-delay.attempts", "5"), ("restart-strategy.fixed-delay.delay", "50 ms")), 2);
        await cluster.WaitForRecordsAsync(jobId, "count", 2, 300);
        for (var i = 0; i < 2; i++) await cluster.CheckpointNowAsync(jobId);
        var retained = await CheckpointDirectoriesAsync(store, jobId);
        Assert.Equal(2, retained.Count);
        var files = new[]
        {
            await SnapshotDamage.ApplyAsync(store, retained[0], SnapshotDamageKind.TruncatedStateFile),
            await SnapshotDamage.ApplyAsync(store, retained[1], SnapshotDamageKind.GarbledMetadata),
        };

        var offsets = (await cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "numbers", 0)).GetMetricsAsync()).SourceOffsets;
        FailurePlan.AddAtOrAfter(plan, 4 * (offsets["split-0"] + 100));
        var details = await cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(1));

        Assert.Equal(JobStatus.Failed, details.Status);
        Assert.Equal(2, details.Attempt);
        var failure = details.Failure!;
        Assert.True(failure.NonRecoverable);
        Assert.StartsWith($"Job {jobId} cannot be restored: every retained checkpoint is damaged; skipped 2 damaged snapshot(s)", failure.Message);
        Assert.Contains($"{retained[0]}{files[0]}", failure.Message);
        Assert.Contains($"{retained[1]}{files[1]}", failure.Message);
    }

    public void Dispose() => _temp.Dispose();
}
