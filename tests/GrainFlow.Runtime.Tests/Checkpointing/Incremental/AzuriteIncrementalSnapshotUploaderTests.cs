using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Testing.Azurite;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>The task-side upload of an incremental snapshot to Azure Blob storage (Azurite).</summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class AzuriteIncrementalSnapshotUploaderTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TemporaryDirectory _temp = new("grainflow-incremental-upload-blob");

    [Fact]
    public Task OnlyNewSstFilesAreUploadedToSharedBlobsAndPrivateFilesToTheCheckpointFolder() =>
        IncrementalSnapshotUploaderScenario.OnlyNewSstFilesAreUploadedAsync(CheckpointStorage.OnStore(azurite.CreateStoreOnNewContainer("incremental")), _temp.Combine("local"));

    [Fact]
    public Task AFullSnapshotOrASavepointReusesNoSharedBlob() =>
        IncrementalSnapshotUploaderScenario.FullSnapshotsAndSavepointsUploadEverythingAsync(CheckpointStorage.OnStore(azurite.CreateStoreOnNewContainer("incremental")), _temp.Combine("local"));

    public void Dispose() => _temp.Dispose();
}
