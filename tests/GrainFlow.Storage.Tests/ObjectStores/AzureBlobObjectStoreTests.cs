using System.Diagnostics;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using GrainFlow.Storage;
using GrainFlow.Storage.AzureBlob;
using GrainFlow.Testing.Azurite;

namespace GrainFlow.Storage.Tests.ObjectStores;

/// <summary>The object store contract on Azurite, plus what is particular to Azure Blob storage.</summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class AzureBlobObjectStoreTests : ObjectStoreContractTests, IDisposable
{
    // Three tries with 0.5/1/2 s back-off take ~4 s; anything near a minute means retries are unbounded.
    private static readonly TimeSpan DownStoreDeadline = TimeSpan.FromSeconds(15);

    private readonly AzuriteFixture _azurite;
    private readonly UnreachableBlobEndpoint _deadEndpoint = AzuriteFixture.CreateUnreachableEndpoint();

    public AzureBlobObjectStoreTests(AzuriteFixture azurite) => _azurite = azurite;

    protected override IObjectStore CreateStore() => _azurite.CreateStoreOnNewContainer("contract");

    protected override IObjectStore CreateStoreInFolder(IObjectStore sibling, string keyPrefix) =>
        _azurite.CreateStore(((AzureBlobObjectStore)sibling).Container.Name, keyPrefix);

    protected override (IObjectStore Store, string ExpectedLocation) CreateUnavailableStore() =>
        (AzureBlobObjectStore.FromConnectionString(_deadEndpoint.ConnectionString, "down"), $"127.0.0.1:{_deadEndpoint.Port}");

    public void Dispose() => _deadEndpoint.Dispose();

    [Fact]
    public async Task A_down_emulator_fails_every_operation_quickly_with_the_url_and_a_hint()
    {
        var store = AzureBlobObjectStore.FromConnectionString(_deadEndpoint.ConnectionString, "down");
        var operations = new (string Name, Func<Task> Call)[]
        {
            ("put", () => store.PutAsync("k", new byte[] { 1 })),
            ("get", () => store.GetAsync("k")),
            ("range", () => store.ReadRangeAsync("k", 0, 1)),
            ("open", () => store.OpenReadAsync("k")),
            ("append", () => store.AppendAsync("k", new byte[] { 1 })),
            ("info", () => store.GetInfoAsync("k")),
            ("list", async () => await ToListAsync(store.ListAsync(""))),
            ("delete", () => store.DeleteAsync("k")),
            ("delete-prefix", () => store.DeletePrefixAsync("")),
        };

        var stopwatch = Stopwatch.StartNew();
        var failures = await Task.WhenAll(operations.Select(async op =>
        {
            var ex = await Assert.ThrowsAsync<ObjectStoreException>(op.Call);
            return (op.Name, ex);
        }));
        stopwatch.Stop();

        Assert.True(stopwatch.Elapsed < DownStoreDeadline, $"a down store took {stopwatch.Elapsed} to fail");
        foreach (var (name, ex) in failures)
        {
            Assert.True(ex.Message.Contains(_deadEndpoint.BlobEndpoint + "/down", StringComparison.Ordinal), $"{name}: {ex.Message}");
            Assert.True(ex.Message.Contains("did not answer", StringComparison.Ordinal), $"{name}: {ex.Message}");
            Assert.True(ex.Message.Contains("connection string", StringComparison.Ordinal), $"{name}: {ex.Message}");
        }
    }

    [Fact]
    public async Task Reads_of_a_missing_container_see_nothing_and_the_first_write_creates_it()
    {
        var container = _azurite.NewContainerName("lazy");
        var store = _azurite.CreateStore(container);

        Assert.Null(await store.GetAsync("x"));
        Assert.Empty(await ToListAsync(store.ListAsync("")));
        Assert.False(await store.DeleteAsync("x"));
        Assert.False((await _azurite.BlobServiceClient.GetBlobContainerClient(container).ExistsAsync()).Value);

        await store.PutAsync("x", Encoding.UTF8.GetBytes("created"));

        Assert.True((await _azurite.BlobServiceClient.GetBlobContainerClient(container).ExistsAsync()).Value);
        Assert.Equal("created", Encoding.UTF8.GetString((await store.GetAsync("x"))!.Data));
    }

    [Fact]
    public async Task The_first_append_creates_a_missing_container_too()
    {
        var store = _azurite.CreateStore(_azurite.NewContainerName("lazy-append"));

        Assert.Equal(4, await store.AppendAsync("log/0", Encoding.UTF8.GetBytes("abcd")));
    }

    [Fact]
    public async Task Objects_are_blobs_named_by_folder_and_key_with_the_right_blob_type()
    {
        var root = (AzureBlobObjectStore)CreateStore();
        var store = _azurite.CreateStore(root.Container.Name, "cluster-1");

        await store.PutAsync("checkpoints/chk-1/_metadata", Encoding.UTF8.GetBytes("meta"));
        await store.AppendAsync("topics/t/0", Encoding.UTF8.GetBytes("rec"));

        var metadata = await root.Container.GetBlobClient("cluster-1/checkpoints/chk-1/_metadata").GetPropertiesAsync();
        var topic = await root.Container.GetBlobClient("cluster-1/topics/t/0").GetPropertiesAsync();
        Assert.Equal(BlobType.Block, metadata.Value.BlobType);
        Assert.Equal(BlobType.Append, topic.Value.BlobType);
        Assert.Equal($"{_azurite.BlobEndpoint}/{root.Container.Name}/cluster-1", store.Location);
    }

    [Fact]
    public async Task PutParts_commits_one_block_per_part_and_leaves_no_committed_blob_when_it_fails()
    {
        var store = (AzureBlobObjectStore)CreateStore();
        var data = new byte[(3 * 1024 * 1024) + 10];
        new Random(3).NextBytes(data);

        await store.PutPartsAsync("blocks.bin", ObjectParts.FromMemory(data, 1024 * 1024));

        var blocks = (await store.Container.GetBlockBlobClient("blocks.bin").GetBlockListAsync(BlockListTypes.All)).Value;
        Assert.Equal([1024 * 1024, 1024 * 1024, 1024 * 1024, 10], blocks.CommittedBlocks.Select(b => b.SizeLong).ToArray());
        Assert.Empty(blocks.UncommittedBlocks);

        async IAsyncEnumerable<ObjectPart> FailingParts()
        {
            yield return new ObjectPart(data.AsMemory(0, 1024 * 1024));
            await Task.Delay(200);
            throw new InvalidOperationException("producer failed");
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.PutPartsAsync("failed.bin", FailingParts()));
        Assert.False((await store.Container.GetBlobClient("failed.bin").ExistsAsync()).Value);
    }

    [Fact]
    public async Task Appending_to_an_object_written_by_put_names_the_problem()
    {
        var store = CreateStore();
        await store.PutAsync("block", Encoding.UTF8.GetBytes("x"));

        var ex = await Assert.ThrowsAsync<ObjectStoreException>(() => store.AppendAsync("block", Encoding.UTF8.GetBytes("y")));

        Assert.Contains("'block'", ex.Message);
        Assert.Contains("AppendAsync", ex.Message);
    }

    [Fact]
    public void Container_names_are_checked_before_any_request()
    {
        var ex = Assert.Throws<ArgumentException>(() => _azurite.CreateStore("Bad_Name"));

        Assert.Contains("'Bad_Name'", ex.Message);
        Assert.Contains("lowercase", ex.Message);
    }

    [Fact]
    public async Task Bounded_client_options_are_what_connection_string_stores_use()
    {
        var options = AzureBlobObjectStore.CreateClientOptions();

        Assert.Equal(3, options.Retry.MaxRetries);
        Assert.True(options.Retry.NetworkTimeout <= TimeSpan.FromSeconds(30));

        // And they work against a live endpoint.
        var store = AzureBlobObjectStore.FromConnectionString(_azurite.ConnectionString, _azurite.NewContainerName("cs"));
        await store.PutAsync("x", Encoding.UTF8.GetBytes("ok"));
        Assert.NotNull(await store.GetAsync("x"));
    }
}
