using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Azurite;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Checkpointing;

/// <summary>Checkpoints written to Azure Blob storage (Azurite), retained and restored from there.</summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class AzuriteCheckpointTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TemporaryDirectory _temp = new("grainflow-azure-checkpoints");

    [Fact]
    public async Task CheckpointsGoToBlobStorageAndAFailedJobRestoresFromThere()
    {
        var container = azurite.NewContainerName("chk");
        await using var cluster = await RuntimeCluster.StartAsync(new FileSystemObjectStore(_temp.Combine("store")), silos: 1);
        var plan = FailurePlan.Create([]);
        var jobId = await cluster.SubmitAsync(CheckpointedCountJob.Name, new Dictionary<string, string>
        {
            ["execution.checkpointing.interval"] = "100 ms",
            ["execution.checkpointing.dir"] = $"azblob://{container}",
            ["grainflow.storage.azure.connection-string"] = azurite.ConnectionString,
            ["execution.checkpointing.externalized-checkpoint-retention"] = "RETAIN_ON_CANCELLATION",
            ["execution.checkpointing.num-retained"] = "2",
            ["records-per-second"] = "2000",
            ["failure-plan"] = plan,
            ["restart-strategy.type"] = "fixed-delay",
            ["restart-strategy.fixed-delay.delay"] = "50 ms",
        }, parallelism: 2);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await cluster.Job(jobId).GetCheckpointStatsAsync()).Completed < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);
        // Fail split 0 a little ahead of where its source is now: a checkpoint has completed by then.
        var offsets = (await cluster.Client.GetGrain<Runtime.Execution.ISubtaskGrain>(Runtime.Execution.SubtaskKey.Of(jobId, "numbers", 0)).GetMetricsAsync()).SourceOffsets;
        FailurePlan.Add(plan, 4 * (offsets["split-0"] + 200));
        JobDetails details;
        do
        {
            await Task.Delay(100);
            details = await cluster.Job(jobId).GetDetailsAsync();
        }
        while ((details.Attempt < 2 || details.Status != JobStatus.Running) && DateTime.UtcNow < deadline);
        Assert.Equal(JobStatus.Canceled, await cluster.Job(jobId).CancelAsync());

        Assert.Equal(0, FailurePlan.Remaining(plan));
        Assert.StartsWith($"restored job {jobId} (attempt 2) from checkpoint", details.StateOrigin);
        Assert.Contains($"/{container}/{jobId}/chk-", details.StateOrigin);

        var store = azurite.CreateStore(container);
        var metadata = new List<string>();
        await foreach (var blob in store.ListAsync($"{jobId}/"))
        {
            if (blob.Key.EndsWith("/_metadata", StringComparison.Ordinal)) metadata.Add(blob.Key);
        }
        Assert.Equal(2, metadata.Count);
        var latest = (await store.GetAsync(metadata.Order(StringComparer.Ordinal).Last()))!;
        var parsed = CheckpointMetadata.FromBytes(latest.Data, "azurite");
        Assert.Equal(jobId.Value, parsed.JobId);
        Assert.Equal(2, parsed.OperatorSnapshots("count").Count());
    }

    public void Dispose() => _temp.Dispose();
}
