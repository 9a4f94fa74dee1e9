using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Testing.Azurite;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>Shared files of incremental checkpoints in Azure Blob storage (Azurite): subsumption and the end of the job leave exactly what is needed.</summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class AzuriteSharedStateFilesTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TemporaryDirectory _temp = new("grainflow-shared-state-blob");

    [Fact]
    public async Task SubsumedAndOrphanedSharedBlobsAreDeletedAndACanceledJobWithoutRetentionLeavesNoBlob()
    {
        var storage = CheckpointStorage.OnStore(azurite.CreateStore(azurite.NewContainerName("shared"), "checkpoints"));
        var job = new IncrementalCheckpointHarness(storage, _temp.Combine("local"), numRetained: 2, retention: ExternalizedCheckpointRetention.DeleteOnCancellation);
        await job.StartAsync();
        await job.CheckpointAsync(1, "000001.sst", "000002.sst");
        await job.CheckpointAsync(2, "000002.sst", "000003.sst");
        await job.SnapshotAsync(3, ["000003.sst", "000004.sst"]);
        await job.CheckpointAsync(4, "000003.sst", "000005.sst");

        Assert.Equal(await job.NeededKeysAsync(), await job.StoredKeysAsync());

        await job.ShutdownAsync(JobStatus.Canceled);

        Assert.Empty(await job.StoredKeysAsync());
    }

    public void Dispose() => _temp.Dispose();
}
