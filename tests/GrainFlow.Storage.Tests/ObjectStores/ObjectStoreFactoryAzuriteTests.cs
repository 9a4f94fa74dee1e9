using System.Text;
using GrainFlow.Storage;
using GrainFlow.Testing.Azurite;

namespace GrainFlow.Storage.Tests.ObjectStores;

/// <summary>A factory-built blob store really talks to the account in the connection string.</summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class ObjectStoreFactoryAzuriteTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task An_azblob_location_with_the_emulator_connection_string_stores_objects_in_that_container_folder()
    {
        var container = azurite.NewContainerName("factory");
        var store = ObjectStoreFactory.Create($"azblob://{container}/folder", azurite.ConnectionString);

        await store.PutAsync("k", Encoding.UTF8.GetBytes("v"));

        var blob = azurite.BlobServiceClient.GetBlobContainerClient(container).GetBlobClient("folder/k");
        Assert.Equal("v", (await blob.DownloadContentAsync()).Value.Content.ToString());
    }
}
