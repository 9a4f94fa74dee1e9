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
        builder.ConfigureSilo((_, silo) => silo.AddFileGrainStorage("store", (FileGrainStorageOptions _) => { }));
        await using var cluster = builder.Build();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => cluster.DeployAsync());

        var configurationError = FindInChain<OrleansConfigurationException>(ex);
        Assert.NotNull(configurationError);
        Assert.Contains("FileGrainStorageOptions.RootDirectory", configurationError.Message);
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
