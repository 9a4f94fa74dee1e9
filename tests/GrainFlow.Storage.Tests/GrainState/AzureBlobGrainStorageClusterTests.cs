using GrainFlow.Hosting;
using GrainFlow.Storage;
using GrainFlow.Testing.Azurite;
using Orleans.Hosting;

namespace GrainFlow.Storage.Tests.GrainState;

[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class AzureBlobGrainStorageClusterTests(AzuriteFixture azurite) : GrainStorageClusterTests
{
    private readonly string _container = azurite.NewContainerName("cluster");

    protected override void AddStore(ISiloBuilder silo) =>
        silo.AddAzureBlobGrainStorage("store", options =>
        {
            options.ConnectionString = azurite.ConnectionString;
            options.ContainerName = _container;
        });

    protected override IObjectStore BackingStore => azurite.CreateStore(_container);
}
