using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;
using GrainFlow.Testing.Logging;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Tests.Execution;

/// <summary>
/// The resumption of unfinished jobs when a cluster starts is done by one silo, not by every silo
/// that starts with it (a restarted single silo doing it is proven with processes in SiloRestartTests).
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterStartTests : IDisposable
{
    private const int Silos = 3;
    private readonly TemporaryDirectory _directory = new("grainflow-clusterstart");

    [Fact]
    public async Task OfTheSilosStartingTogetherExactlyOneResumesTheUnfinishedJobs()
    {
        var log = new CapturedLog(typeof(JobResumptionOnStart).FullName!);
        await using var cluster = await GrainFlowTestCluster.StartAsync(new FileSystemObjectStore(_directory.Combine("store")), Silos, silo =>
        {
            RuntimeCluster.RegisterTestJobs(silo);
            silo.Services.AddLogging(logging => logging.AddProvider(log).AddFilter<CapturedLog>(typeof(JobResumptionOnStart).FullName, LogLevel.Debug));
        });

        IEnumerable<string> Decisions() => log.Messages().Where(m => m.Contains("silo of this cluster start", StringComparison.Ordinal));
        await RecoveryProbe.WaitUntilAsync(() => Task.FromResult(Decisions().Count() == Silos), $"each of the {Silos} silos decided");

        Assert.Equal(1, Decisions().Count(d => d.StartsWith("First silo", StringComparison.Ordinal)));
        Assert.Equal(Silos - 1, Decisions().Count(d => d.StartsWith("Another silo", StringComparison.Ordinal)));
    }

    public void Dispose() => _directory.Dispose();
}
