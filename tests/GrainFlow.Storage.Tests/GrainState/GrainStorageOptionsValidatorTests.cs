using GrainFlow.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace GrainFlow.Storage.Tests.GrainState;

/// <summary>A misconfigured provider stops the silo with a message naming the option to set.</summary>
[Trait("Category", "Cluster")]
public sealed class GrainStorageOptionsValidatorTests
{
    private static void Validate(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        using var provider = services.BuildServiceProvider();
        foreach (var validator in provider.GetServices<IConfigurationValidator>())
        {
            validator.ValidateConfiguration();
        }
    }

    [Fact]
    public void Blob_storage_without_client_or_connection_string_names_both_options()
    {
        var ex = Assert.Throws<OrleansConfigurationException>(() => Validate(s => s.AddAzureBlobGrainStorage("grainflow", (AzureBlobGrainStorageOptions _) => { })));

        Assert.Contains("'grainflow'", ex.Message);
        Assert.Contains("AzureBlobGrainStorageOptions.BlobServiceClient", ex.Message);
        Assert.Contains("AzureBlobGrainStorageOptions.ConnectionString", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Grain_State")]
    [InlineData("ab")]
    public void Blob_storage_with_an_unusable_container_name_names_ContainerName(string containerName)
    {
        var ex = Assert.Throws<OrleansConfigurationException>(() => Validate(s => s.AddAzureBlobGrainStorage("grainflow", o =>
        {
            o.ConnectionString = "UseDevelopmentStorage=true";
            o.ContainerName = containerName;
        })));

        Assert.Contains("AzureBlobGrainStorageOptions.ContainerName", ex.Message);
    }

    [Fact]
    public void Blob_storage_with_a_malformed_connection_string_names_ConnectionString_without_echoing_it()
    {
        var ex = Assert.Throws<OrleansConfigurationException>(() => Validate(s => s.AddAzureBlobGrainStorage("grainflow", o =>
            o.ConnectionString = "AccountKey=SECRET;garbage")));

        Assert.Contains("AzureBlobGrainStorageOptions.ConnectionString", ex.Message);
        Assert.DoesNotContain("SECRET", ex.Message);
    }

    [Fact]
    public void Blob_storage_with_a_connection_string_and_the_default_container_is_valid()
    {
        Validate(s => s.AddAzureBlobGrainStorage("grainflow", o => o.ConnectionString = "UseDevelopmentStorage=true"));
    }

    [Fact]
    public void File_storage_without_a_root_directory_names_RootDirectory()
    {
        var ex = Assert.Throws<OrleansConfigurationException>(() => Validate(s => s.AddFileGrainStorage("grainflow", (FileGrainStorageOptions _) => { })));

        Assert.Contains("'grainflow'", ex.Message);
        Assert.Contains("FileGrainStorageOptions.RootDirectory", ex.Message);
    }

    [Fact]
    public void File_storage_whose_root_is_a_file_says_so()
    {
        var file = Path.GetTempFileName();
        try
        {
            var ex = Assert.Throws<OrleansConfigurationException>(() => Validate(s => s.AddFileGrainStorage("grainflow", o => o.RootDirectory = file)));

            Assert.Contains("is a file", ex.Message);
            Assert.Contains(file, ex.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_silo_with_a_misconfigured_provider_refuses_to_start()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddAzureBlobGrainStorage("store", (AzureBlobGrainStorageOptions _) => { }));
        await using var cluster = builder.Build();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => cluster.DeployAsync());

        var configurationError = FindInChain<OrleansConfigurationException>(ex);
        Assert.NotNull(configurationError);
        Assert.Contains("AzureBlobGrainStorageOptions.ConnectionString", configurationError.Message);
    }

    private static T? FindInChain<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T match)
            {
                return match;
            }

            if (exception is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    if (FindInChain<T>(inner) is { } found)
                    {
                        return found;
                    }
                }
            }
        }

        return null;
    }
}
