using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Azurite;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>Incremental checkpoints of the RocksDB backend in a running job, with the checkpoint storage in Azure Blob storage (Azurite).</summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class AzuriteIncrementalCheckpointJobTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TemporaryDirectory _temp = new("grainflow-azure-incremental");

    [Fact]
    public async Task ACanceledJobKeepsExactlyTheSharedBlobsItsRetainedCheckpointsReferenceAndResumesFromThemWithExactCounts()
    {
        var container = azurite.NewContainerName("inc");
        await using var cluster = await RuntimeCluster.StartAsync(new FileSystemObjectStore(_temp.Combine("store")), silos: 1);
        var scenario = new IncrementalJobScenario(cluster, $"azblob://{container}", azurite.CreateStore(container), _temp.Combine("rocksdb"),
            new Dictionary<string, string> { ["grainflow.storage.azure.connection-string"] = azurite.ConnectionString });
        await scenario.RetainResumeAndCheckAsync();
    }

    public void Dispose() => _temp.Dispose();
}
