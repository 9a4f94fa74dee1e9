using GrainFlow.Storage;
using GrainFlow.Storage.AzureBlob;
using GrainFlow.Testing.Azurite;

namespace GrainFlow.Storage.Tests.GrainState;

[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class AzureBlobGrainStorageTests(AzuriteFixture azurite) : GrainStorageContractTests, IDisposable
{
    private readonly UnreachableBlobEndpoint _deadEndpoint = AzuriteFixture.CreateUnreachableEndpoint();

    protected override IObjectStore CreateStore() => azurite.CreateStoreOnNewContainer("grainstate");

    protected override IObjectStore CreateUnavailableStore() =>
        AzureBlobObjectStore.FromConnectionString(_deadEndpoint.ConnectionString, "grainstate");

    public void Dispose() => _deadEndpoint.Dispose();
}
