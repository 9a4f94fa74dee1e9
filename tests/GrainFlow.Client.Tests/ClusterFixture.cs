using GrainFlow.Client.Connection;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Jobs;

namespace GrainFlow.Client.Tests;

/// <summary>One in-process GrainFlow cluster (filesystem store) that the CLI talks to through its client.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TemporaryDirectory Directory { get; } = new("grainflow-cli");

    public GrainFlowTestCluster Cluster { get; private set; } = null!;

    public IClusterConnector Connector => new ExistingClusterClientConnector(Cluster.Client);

    public async Task InitializeAsync() =>
        Cluster = await GrainFlowTestCluster.StartAsync(new FileSystemObjectStore(Directory.Combine("store")),
            configureSilo: silo => silo.AddGrainFlowJob<KeyedSummaryJob>(KeyedSummaryJob.Name));

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Directory.Dispose();
    }
}
