using GrainFlow.Runtime.Hosting;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Storage;
using GrainFlow.Testing.Cluster;
using Orleans.Hosting;

namespace GrainFlow.Runtime.Tests.Fixtures;

/// <summary>Starts test clusters with the example jobs and this project's test jobs registered.</summary>
public static class RuntimeCluster
{
    public static void RegisterTestJobs(ISiloBuilder silo) => silo
        .AddGrainFlowJob<SequenceCheckJob>(SequenceCheckJob.Name)
        .AddGrainFlowJob<AlignedSourcesJob>(AlignedSourcesJob.Name)
        .AddGrainFlowJob<SlowSinkJob>(SlowSinkJob.Name)
        .AddGrainFlowJob<FailingJob>(FailingJob.Name)
        .AddGrainFlowJob<UnboundedJob>(UnboundedJob.Name)
        .AddGrainFlowJob<FanOutJob>(FanOutJob.Name)
        .AddGrainFlowJob<CheckpointedCountJob>(CheckpointedCountJob.Name)
        .AddGrainFlowJob<TimerJob>(TimerJob.Name)
        .AddGrainFlowJob<CheckpointedTimersJob>(CheckpointedTimersJob.Name)
        .AddGrainFlowJob<SequenceLedgerJob>(SequenceLedgerJob.Name)
        .AddGrainFlowJob<SideOutputJob>(SideOutputJob.Name)
        .AddGrainFlowJob<EventTimeWindowJob>(EventTimeWindowJob.Name)
        .AddGrainFlowJob<EventTimeTimersJob>(EventTimeTimersJob.Name)
        .AddGrainFlowJob<StateBackendInCodeJob>(StateBackendInCodeJob.Name)
        .AddGrainFlowJob<CountAsTextJob>(CountAsTextJob.Name)
        .AddGrainFlowJob<Testing.Jobs.KeyedSummaryJob>(Testing.Jobs.KeyedSummaryJob.Name);

    public static Task<GrainFlowTestCluster> StartAsync(IObjectStore store, int silos = 2, IReadOnlyDictionary<string, string>? configuration = null) =>
        GrainFlowTestCluster.StartAsync(store, silos, RegisterTestJobs, configuration);
}

/// <summary>
/// One two-silo cluster on a temporary filesystem store, shared by every test class in the
/// "cluster" collection (starting a cluster costs seconds; jobs are independent by id).
/// </summary>
public sealed class SharedClusterFixture : IAsyncLifetime
{
    public TemporaryDirectory Directory { get; } = new();

    public GrainFlowTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Cluster = await RuntimeCluster.StartAsync(new Storage.FileSystem.FileSystemObjectStore(Directory.Combine("store")));

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Directory.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedClusterCollection : ICollectionFixture<SharedClusterFixture>
{
    public const string Name = "shared cluster";
}
