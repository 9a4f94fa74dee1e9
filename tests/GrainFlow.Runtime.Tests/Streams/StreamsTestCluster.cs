using GrainFlow.Runtime.Hosting;
using GrainFlow.Runtime.Streams;
using GrainFlow.Storage;
using GrainFlow.Testing.Cluster;
using GrainFlow.Topics;
using Orleans.Hosting;
using Orleans.Streams;

namespace GrainFlow.Runtime.Tests.Streams;

/// <summary>
/// A GrainFlow test cluster with a topic stream provider on every silo and on the client (which
/// needs the provider to publish). Topics get 4 partitions, and the provider polls for new topics
/// and checkpoints quickly.
/// </summary>
internal sealed class StreamsTestCluster : IAsyncDisposable
{
    public const string Provider = "topics";

    private readonly GrainFlowTestCluster _cluster;

    private StreamsTestCluster(GrainFlowTestCluster cluster) => _cluster = cluster;

    public IClusterClient Client => _cluster.Client;

    public IStreamProvider Streams => Client.GetStreamProvider(Provider);

    public static async Task<StreamsTestCluster> StartAsync(IObjectStore store, Action<TopicStreamOptions>? configure = null, int silos = 1) =>
        new(await GrainFlowTestCluster.StartAsync(
            store,
            silos,
            silo => silo
                .AddMemoryGrainStorage("PubSubStore")
                .AddTopicStreams(Provider, o =>
                {
                    o.TopicRefreshInterval = TimeSpan.FromMilliseconds(200);
                    o.CheckpointInterval = TimeSpan.FromMilliseconds(300);
                    configure?.Invoke(o);
                }),
            new Dictionary<string, string> { ["grainflow.topics.default-partitions"] = "4" },
            client => client.AddTopicStreams(Provider, configure)));

    public IAsyncStream<T> Stream<T>(string streamNamespace, string key) => Streams.GetStream<T>(StreamId.Create(streamNamespace, key));

    public Task<List<StoredTopicRecord>> ReadPartitionAsync(string topic, int partition) => _cluster.ReadPartitionAsync(topic, partition);

    /// <summary>Every record of a topic, by partition.</summary>
    public async Task<List<StoredTopicRecord>[]> ReadTopicAsync(string topic)
    {
        var info = await Client.GetGrain<ITopicGrain>(topic).GetInfoAsync();
        return await Task.WhenAll(info.Partitions.Select(p => ReadPartitionAsync(topic, p.Partition)));
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
