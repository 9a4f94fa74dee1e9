using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Tests.Fixtures;

/// <summary>
/// A one-silo cluster (so a restarted subtask is always on the silo it ran on) on a temporary filesystem store, with the test
/// jobs and everything GrainFlow logs from Information up captured in <see cref="Log"/>, for a test class that checks log lines.
/// </summary>
public sealed class LoggedClusterFixture : IAsyncLifetime
{
    public TemporaryDirectory Directory { get; } = new("grainflow-logged-cluster");

    public CapturedLog Log { get; } = new("GrainFlow.");

    public GrainFlowTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Cluster = await GrainFlowTestCluster.StartAsync(new FileSystemObjectStore(Directory.Combine("store")), 1, silo =>
        {
            RuntimeCluster.RegisterTestJobs(silo);
            silo.Services.AddLogging(logging => logging.AddProvider(Log).AddFilter<CapturedLog>("GrainFlow.", LogLevel.Information));
        });

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Directory.Dispose();
    }
}
