using GrainFlow.Storage;
using GrainFlow.Storage.AzureBlob;
using GrainFlow.Storage.FileSystem;

namespace GrainFlow.Storage.Tests.ObjectStores;

/// <summary>Location strings (command line, configuration) turn into the right store, or into an error that lists the accepted forms.</summary>
[Trait("Category", "Unit")]
public sealed class ObjectStoreFactoryTests
{
    private const string SomeConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10999/devstoreaccount1;";

    [Fact]
    public void A_file_url_gives_a_filesystem_store_on_that_directory()
    {
        var store = Assert.IsType<FileSystemObjectStore>(ObjectStoreFactory.Create("file:///var/lib/grainflow/state"));

        Assert.Equal("/var/lib/grainflow/state", store.RootDirectory);
    }

    [Fact]
    public void A_plain_absolute_path_gives_a_filesystem_store()
    {
        var store = Assert.IsType<FileSystemObjectStore>(ObjectStoreFactory.Create("/tmp/grainflow/checkpoints/"));

        Assert.Equal("/tmp/grainflow/checkpoints", store.RootDirectory);
    }

    [Fact]
    public void An_account_url_gives_a_blob_store_on_that_container_and_folder()
    {
        var store = Assert.IsType<AzureBlobObjectStore>(
            ObjectStoreFactory.Create("https://myaccount.blob.core.windows.net/checkpoints/cluster-a/jobs"));

        Assert.Equal("checkpoints", store.Container.Name);
        Assert.Equal("https://myaccount.blob.core.windows.net/checkpoints/cluster-a/jobs", store.Location);
    }

    [Fact]
    public void A_connection_string_takes_precedence_over_the_account_in_a_url()
    {
        var store = Assert.IsType<AzureBlobObjectStore>(
            ObjectStoreFactory.Create("https://myaccount.blob.core.windows.net/checkpoints/folder", SomeConnectionString));

        Assert.Equal("http://127.0.0.1:10999/devstoreaccount1/checkpoints/folder", store.Location);
    }

    [Fact]
    public void An_emulator_url_with_a_connection_string_names_container_and_folder_after_the_account()
    {
        var store = Assert.IsType<AzureBlobObjectStore>(
            ObjectStoreFactory.Create("http://127.0.0.1:10999/devstoreaccount1/grainstate/silo-1", SomeConnectionString));

        Assert.Equal("grainstate", store.Container.Name);
        Assert.Equal("http://127.0.0.1:10999/devstoreaccount1/grainstate/silo-1", store.Location);
    }

    [Fact]
    public void An_azblob_location_uses_the_connection_string()
    {
        var store = Assert.IsType<AzureBlobObjectStore>(ObjectStoreFactory.Create("azblob://savepoints/job-7", SomeConnectionString));

        Assert.Equal("savepoints", store.Container.Name);
        Assert.Equal("http://127.0.0.1:10999/devstoreaccount1/savepoints/job-7", store.Location);
    }

    [Theory]
    [InlineData("relative/path", "neither an absolute path nor a URL")]
    [InlineData("", "empty")]
    [InlineData("ftp://host/x", "'ftp'")]
    [InlineData("azblob://savepoints/job-7", "need an Azure Storage connection string")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/c", "connection string")]
    [InlineData("https://myaccount.blob.core.windows.net/", "no container")]
    [InlineData("https://myaccount.blob.core.windows.net/Bad_Container/x", "not a valid container name")]
    [InlineData("https://myaccount.blob.core.windows.net/c0ntainer/a//b", "empty segment")]
    public void A_bad_location_says_why_and_which_forms_are_accepted(string location, string reason)
    {
        var ex = Assert.Throws<InvalidLocationException>(() => ObjectStoreFactory.Create(location));

        Assert.Contains(reason, ex.Message);
        Assert.Equal(ex.Reason, ObjectStoreFactory.LocationProblem(location));
        Assert.Contains("file:///", ex.Message);
        Assert.Contains("azblob://", ex.Message);
        Assert.Contains("blob.core.windows.net", ex.Message);
    }

    [Fact]
    public void A_sas_token_in_a_bad_location_is_not_echoed()
    {
        var ex = Assert.Throws<InvalidLocationException>(() => ObjectStoreFactory.Create("https://myaccount.blob.core.windows.net/?sv=2024&sig=SECRET"));

        Assert.DoesNotContain("SECRET", ex.Message);
    }

    [Fact]
    public void A_malformed_connection_string_is_rejected_without_echoing_it()
    {
        var ex = Assert.Throws<ArgumentException>(() => ObjectStoreFactory.Create("azblob://c0ntainer", "AccountKey=SECRET;nonsense"));

        Assert.Contains("connection string could not be parsed", ex.Message);
        Assert.DoesNotContain("SECRET", ex.Message);
        Assert.DoesNotContain("SECRET", ObjectStoreFactory.LocationProblem("azblob://c0ntainer", "AccountKey=SECRET;nonsense"));
    }
}
