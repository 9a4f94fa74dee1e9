using GrainFlow.Jobs;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Savepoints;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Azurite;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Savepoints;

/// <summary>
/// Snapshot deletion in Azure Blob storage (Azurite): a disposed savepoint and a claimed checkpoint
/// that was subsumed lose exactly the blobs their <c>_metadata</c> references; a blob someone else
/// put under the same folder stays.
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class SnapshotDeletionBlobTests(AzuriteFixture azurite) : IDisposable
{
    private const string ForeignBlob = "notes-of-the-user.txt";
    private readonly TemporaryDirectory _temp = new("grainflow-snapshot-deletion-blob");

    private Dictionary<string, string> CountJob(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["keys"] = "30",
            ["records-per-second"] = "3000",
            ["execution.buffer-timeout.interval"] = "5 ms",
            ["execution.checkpointing.data-inline-threshold"] = "0",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    private Task<GrainFlowTestCluster> ClusterAsync() => RuntimeCluster.StartAsync(new FileSystemObjectStore(_temp.Combine("store")), silos: 1,
        new Dictionary<string, string> { ["grainflow.storage.azure.connection-string"] = azurite.ConnectionString });

    private static async Task<List<string>> KeysAsync(IObjectStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var info in store.ListAsync(prefix)) keys.Add(info.Key);
        return keys;
    }

    [Fact]
    public async Task DisposingABlobSavepointDeletesItsBlobsAndLeavesAForeignBlob()
    {
        await using var cluster = await ClusterAsync();
        var container = azurite.NewContainerName("dispose");
        var jobId = await cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(), parallelism: 2);
        await cluster.WaitForRecordsAsync(jobId, "count", 2, 200);
        var operation = await cluster.WaitForSavepointAsync(jobId,
            await cluster.Job(jobId).TriggerSavepointAsync(new SavepointRequest($"azblob://{container}", Then: SavepointTermination.Cancel)));
        Assert.True(operation.Succeeded, operation.FailureMessage);
        var folder = operation.Location![(operation.Location!.LastIndexOf('/') + 1)..] + "/";
        var store = azurite.CreateStore(container);
        Assert.Contains(await KeysAsync(store, folder), key => key.EndsWith(".state", StringComparison.Ordinal));
        await store.PutAsync(folder + ForeignBlob, "not GrainFlow's"u8.ToArray());

        await cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).DisposeSavepointAsync(operation.Location!);

        Assert.Equal([folder + ForeignBlob], await KeysAsync(store, ""));
    }

    [Fact]
    public async Task AClaimedBlobCheckpointLosesItsReferencedBlobsWhenSubsumedAndKeepsAForeignBlob()
    {
        await using var cluster = await ClusterAsync();
        var container = azurite.NewContainerName("claim");
        var first = await cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(("records", "100000000"),
            ("execution.checkpointing.interval", "100 ms"), ("execution.checkpointing.dir", $"azblob://{container}/retained"),
            ("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")), parallelism: 2);
        await cluster.WaitForRecordsAsync(first, "count", 2, 300);
        await RecoveryProbe.WaitUntilAsync(async () => (await cluster.Job(first).GetCheckpointStatsAsync()).Completed >= 1, "a checkpoint completed");
        await cluster.Job(first).CancelAsync();
        var store = azurite.CreateStore(container);
        // retained/<job id>/chk-<n>/: the one checkpoint the canceled job kept.
        var retained = (await KeysAsync(store, $"retained/{first}/")).Select(key => string.Join('/', key.Split('/')[..3]) + "/").Distinct().Single();
        var referenced = await KeysAsync(store, retained);
        Assert.Contains(referenced, key => key.EndsWith(".state", StringComparison.Ordinal));
        await store.PutAsync(retained + ForeignBlob, "not GrainFlow's"u8.ToArray());

        var second = await cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(("records", "10000"),
            ("execution.state-recovery.path", $"azblob://{container}/{retained.TrimEnd('/')}"), ("execution.state-recovery.claim-mode", "CLAIM"),
            ("execution.checkpointing.interval", "100 ms"), ("execution.checkpointing.dir", $"azblob://{container}/second")), parallelism: 2);
        var details = await cluster.WaitForEndAsync(second, TimeSpan.FromMinutes(2));

        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.Contains("(CLAIM)", details.StateOrigin);
        Assert.Equal([retained + ForeignBlob], await KeysAsync(store, retained));
    }

    public void Dispose() => _temp.Dispose();
}
