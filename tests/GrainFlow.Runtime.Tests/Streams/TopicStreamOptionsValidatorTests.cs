using GrainFlow.Runtime.Hosting;
using GrainFlow.Runtime.Streams;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace GrainFlow.Runtime.Tests.Streams;

[Trait("Category", "Cluster")]
public sealed class TopicStreamOptionsValidatorTests
{
    [Fact]
    public void InvalidOptionsAreRejectedNamingEachOptionAndTheProvider()
    {
        var options = new TopicStreamOptions
        {
            QueueCount = 0,
            CacheSize = 0,
            ReadBatchSize = 20_000,
            TopicRefreshInterval = TimeSpan.Zero,
            TopicPrefix = "bad prefix",
            Namespaces = ["ok", "not/ok"],
        };

        var error = Assert.Throws<OrleansConfigurationException>(() => Validator(options, siloSide: false, withGrainFlow: false).ValidateConfiguration());

        Assert.Contains("'topics'", error.Message);
        foreach (var name in new[] { "QueueCount", "CacheSize", "ReadBatchSize", "TopicRefreshInterval", "TopicPrefix", "Namespaces" })
        {
            Assert.Contains($"TopicStreamOptions.{name}", error.Message);
        }
        Assert.DoesNotContain("CheckpointInterval", error.Message);
    }

    [Fact]
    public void ASiloWithoutTheGrainFlowRuntimeIsToldToAddIt()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validator(new TopicStreamOptions(), siloSide: true, withGrainFlow: false).ValidateConfiguration());
        Assert.Contains("AddGrainFlow", error.Message);
    }

    [Fact]
    public void DefaultOptionsAreValidOnSilosWithTheRuntimeAndOnClients()
    {
        Validator(new TopicStreamOptions(), siloSide: true, withGrainFlow: true).ValidateConfiguration();
        Validator(new TopicStreamOptions { TopicPrefix = "app.", Namespaces = ["orders"] }, siloSide: false, withGrainFlow: false).ValidateConfiguration();
    }

    [Fact]
    public async Task ASiloWithInvalidOptionsRefusesToStartAndSaysWhichOption()
    {
        using var temp = new TemporaryDirectory();
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var cluster = await StreamsTestCluster.StartAsync(new FileSystemObjectStore(temp.Combine("store")), o => o.QueueCount = 0);
        });
        var configurationError = FindInner<OrleansConfigurationException>(error);
        Assert.NotNull(configurationError);
        Assert.Contains("TopicStreamOptions.QueueCount", configurationError.Message);
    }

    private static T? FindInner<T>(Exception? error) where T : Exception
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is T found) return found;
            if (error is AggregateException aggregate && aggregate.InnerExceptions.Select(FindInner<T>).FirstOrDefault(e => e is not null) is { } inner) return inner;
        }
        return null;
    }

    private static TopicStreamOptionsValidator Validator(TopicStreamOptions options, bool siloSide, bool withGrainFlow)
    {
        var services = new ServiceCollection();
        if (withGrainFlow)
        {
            using var temp = new TemporaryDirectory();
            services.AddSingleton(new GrainFlowStores(new FileSystemObjectStore(temp.Path)));
        }
        var provider = services.BuildServiceProvider();
        return new TopicStreamOptionsValidator(options, "topics", siloSide, provider.GetRequiredService<IServiceProviderIsService>());
    }
}
