using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Azurite;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Checkpointing;

/// <summary>
/// Keyed state larger than one upload part (8 MiB per subtask) is checkpointed as multi-part files
/// and restored from them after a failure, with nothing lost or counted twice.
/// </summary>
public abstract class LargeStateCheckpointTests
{
    private const long Keys = 1_200_000;   // 600 K keys per subtask: ~9.6 MB of counts each
    private const long Records = 2 * Keys;

    protected abstract GrainFlowTestCluster Cluster { get; }

    /// <summary>Checkpoint settings for the store under test (directory, interval, credentials).</summary>
    protected abstract Dictionary<string, string> CheckpointSettings();

    /// <summary>The store that <see cref="CheckpointSettings"/> point at, and the prefix of the checkpoints in it.</summary>
    protected abstract (IObjectStore Store, string Prefix) CheckpointStore();

    [Fact]
    public async Task StateLargerThanAnUploadPartIsCheckpointedInPartsAndRestoredExactly()
    {
        var plan = FailurePlan.Create([]);
        var settings = CheckpointSettings();
        settings["records"] = Records.ToString();
        settings["keys"] = Keys.ToString();
        settings["records-per-second"] = "150000";
        settings["failure-plan"] = plan;
        settings["execution.checkpointing.num-retained"] = "10";
        settings["restart-strategy.type"] = "fixed-delay";
        settings["restart-strategy.fixed-delay.delay"] = "50 ms";
        var jobId = await Cluster.SubmitAsync(CheckpointedCountJob.Name, settings, parallelism: 2);

        // Wait for a checkpoint whose count state no longer fits one part, and look at its files.
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var (store, prefix) = CheckpointStore();
        long largest = 0;
        while (largest <= ObjectParts.DefaultPartBytes)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no checkpoint with more than one part of state; largest {largest} bytes");
            await Task.Delay(200);
            var latest = await Cluster.Client.GetGrain<ICheckpointCoordinatorGrain>(jobId.Value).GetLatestCompletedAsync();
            if (latest is null) continue;
            var directory = prefix + CheckpointLayout.CheckpointDirectory(jobId, latest.CheckpointId);
            var metadata = await store.GetAsync(directory + CheckpointLayout.MetadataFileName);
            if (metadata is null) continue; // subsumed meanwhile
            foreach (var count in CheckpointMetadata.FromBytes(metadata.Data, directory).OperatorSnapshots("count"))
            {
                if (count.State is not { RelativePath: not null } handle) continue;
                var file = await store.GetInfoAsync(directory + handle.RelativePath);
                if (file is null) continue;
                Assert.Equal(handle.Size, file.Size);
                largest = Math.Max(largest, handle.Size);
            }
        }

        // Fail a little ahead of the sources: the job restores ~10 MB per subtask from those files.
        var offsets = (await Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "numbers", 0)).GetMetricsAsync()).SourceOffsets;
        // At-or-after, and at most the last record's number minus the split count, so a busy machine whose
        // sources run past the point while it is armed still fails once before the end.
        FailurePlan.AddAtOrAfter(plan, Math.Min(Records - 8, 4 * (offsets["split-0"] + 20_000)));
        var details = await Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(3));

        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.Equal(0, FailurePlan.Remaining(plan));
        Assert.StartsWith($"restored job {jobId}", details.StateOrigin);
        long keys = 0;
        var wrong = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            foreach (var entry in await Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "count", i)).GetKeyedStateAsync("count", KeyedCountJob.CountPerKey.StateName))
            {
                keys++;
                if (entry.Value != "2" && wrong.Count < 10) wrong.Add($"{entry.Key}={entry.Value}");
            }
        }
        Assert.Equal(Keys, keys);
        Assert.True(wrong.Count == 0, $"every key is counted twice; wrong: {string.Join(", ", wrong)} ({details.StateOrigin})");
    }
}

/// <summary>On the file system, through the shared cluster.</summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class FileSystemLargeStateCheckpointTests(SharedClusterFixture fixture) : LargeStateCheckpointTests
{
    private readonly string _directory = fixture.Directory.Combine($"large-{Guid.NewGuid():N}");

    protected override GrainFlowTestCluster Cluster => fixture.Cluster;

    protected override Dictionary<string, string> CheckpointSettings() => new()
    {
        ["execution.checkpointing.interval"] = "200 ms",
        ["execution.checkpointing.dir"] = _directory,
    };

    protected override (IObjectStore Store, string Prefix) CheckpointStore() => (new FileSystemObjectStore(_directory), "");
}

/// <summary>On Azure Blob storage (Azurite): the files are block blobs staged in parallel.</summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class AzuriteLargeStateCheckpointTests(AzuriteFixture azurite) : LargeStateCheckpointTests, IAsyncLifetime
{
    private readonly TemporaryDirectory _temp = new("grainflow-azure-large-state");
    private readonly string _container = azurite.NewContainerName("large");
    private GrainFlowTestCluster _cluster = null!;

    protected override GrainFlowTestCluster Cluster => _cluster;

    protected override Dictionary<string, string> CheckpointSettings() => new()
    {
        ["execution.checkpointing.interval"] = "500 ms",
        ["execution.checkpointing.dir"] = $"azblob://{_container}",
        ["grainflow.storage.azure.connection-string"] = azurite.ConnectionString,
    };

    protected override (IObjectStore Store, string Prefix) CheckpointStore() => (azurite.CreateStore(_container), "");

    public async Task InitializeAsync() => _cluster = await RuntimeCluster.StartAsync(new FileSystemObjectStore(_temp.Combine("store")), silos: 1);

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _temp.Dispose();
    }
}
