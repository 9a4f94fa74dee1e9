using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Streams;

/// <summary>
/// Subscribers of the topic stream provider receive a stream's events from its topic, in order, with the
/// record offsets as sequence tokens; and they can rewind to any retained offset, beyond the in-memory
/// cache and across a restart of every silo.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class TopicStreamDeliveryTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TemporaryDirectory _temp = new();

    private FileSystemObjectStore Store => new(_temp.Combine("store"));

    [Fact]
    public async Task ASubscriberReceivesOnlyItsStreamsEventsInOrderWithTheirTopicOffsetsAcrossTwoSilos()
    {
        await using var cluster = await StreamsTestCluster.StartAsync(Store, silos: 2);
        var collector = cluster.Client.GetGrain<IStreamCollectorGrain<string>>("live");
        await collector.SubscribeAsync("events", "k1", fromOffset: null);

        var mine = cluster.Stream<string>("events", "k1");
        var other = cluster.Stream<string>("events", "k2");
        for (var i = 0; i < 30; i++)
        {
            await mine.OnNextAsync($"e{i}");
            await other.OnNextAsync($"other {i}");
        }

        var received = await WaitForAsync(collector, 30);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"e{i}"), received.Select(e => e.Value));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), received.Select(e => e.Offset));
        await Task.Delay(500);
        Assert.Equal(30, (await collector.GetReceivedAsync()).Count);
    }

    [Fact]
    public async Task ASubscriberOfARecordTypeReceivesEqualDecodedEventsPublishedByAGrain()
    {
        await using var cluster = await StreamsTestCluster.StartAsync(Store);
        var collector = cluster.Client.GetGrain<IStreamCollectorGrain<TestOrder>>("orders");
        await collector.SubscribeAsync("shop-orders", "shop-3", fromOffset: null);
        var orders = Enumerable.Range(1, 5)
            .Select(i => new TestOrder($"o-{i}", i, 2.25m * i, new DateTimeOffset(2025, 3, i, 8, 30, 0, TimeSpan.Zero)))
            .ToArray();

        await cluster.Client.GetGrain<IStreamProducerTestGrain<TestOrder>>("shop").PublishAsync("shop-orders", "shop-3", orders);

        var received = await WaitForAsync(collector, 5);
        Assert.Equal(orders, received.Select(e => e.Value));
    }

    [Fact]
    public async Task ARewindAfterTheWholeClusterRestartedRedeliversTheStoredEventsFromTheRequestedOffset()
    {
        var store = Store;
        await using (var first = await StreamsTestCluster.StartAsync(store))
        {
            var collector = first.Client.GetGrain<IStreamCollectorGrain<string>>("before-restart");
            await collector.SubscribeAsync("history", "k", fromOffset: null);
            var stream = first.Stream<string>("history", "k");
            for (var i = 0; i < 12; i++) await stream.OnNextAsync($"e{i}");
            await WaitForAsync(collector, 12);
        }

        await using var second = await StreamsTestCluster.StartAsync(store);
        var rewinder = second.Client.GetGrain<IStreamCollectorGrain<string>>("after-restart");
        await rewinder.SubscribeAsync("history", "k", fromOffset: 4);
        // Orleans tells a queue about a stream's subscribers when the queue sees an event of the stream.
        await second.Stream<string>("history", "k").OnNextAsync("e12");

        var received = await WaitForAsync(rewinder, 9);
        Assert.Equal(Enumerable.Range(4, 9).Select(i => $"e{i}"), received.Select(e => e.Value));
        Assert.Equal(Enumerable.Range(4, 9).Select(i => (long)i), received.Select(e => e.Offset));
    }

    [Fact]
    public async Task RewindingFurtherBackThanTheInMemoryCacheReadsTheOlderEventsFromTheTopicInOrder()
    {
        // A window of 5 records per partition and reads of 7: a rewind to 0 needs many reads from the topic.
        await using var cluster = await StreamsTestCluster.StartAsync(Store, o =>
        {
            o.CacheSize = 5;
            o.ReadBatchSize = 7;
        });
        var live = cluster.Client.GetGrain<IStreamCollectorGrain<string>>("live");
        await live.SubscribeAsync("deep", "k", fromOffset: null);
        var stream = cluster.Stream<string>("deep", "k");
        var noise = cluster.Stream<string>("deep", "noise");
        for (var i = 0; i < 60; i++)
        {
            await stream.OnNextAsync($"e{i}");
            await noise.OnNextAsync($"noise {i}");
        }
        Assert.Equal(60, (await WaitForAsync(live, 60)).Count);

        var rewinder = cluster.Client.GetGrain<IStreamCollectorGrain<string>>("rewinder");
        await rewinder.SubscribeAsync("deep", "k", fromOffset: 0);
        await stream.OnNextAsync("e60");

        var received = await WaitForAsync(rewinder, 61);
        Assert.Equal(Enumerable.Range(0, 61).Select(i => $"e{i}"), received.Select(e => e.Value));
        Assert.Equal(61, (await WaitForAsync(live, 61)).Count);
    }

    [Fact]
    public async Task AfterARestartDeliveryResumesFromTheCheckpointSoDeliveredEventsAreNotDeliveredAgain()
    {
        var store = Store;
        await using (var first = await StreamsTestCluster.StartAsync(store))
        {
            var stream = first.Stream<string>(IImplicitCollectorGrain.Namespace, "k");
            for (var i = 0; i < 8; i++) await stream.OnNextAsync($"old {i}");
            await WaitForAsync(() => first.Client.GetGrain<IImplicitCollectorGrain>("k").GetReceivedAsync(), 8);
        }

        await using var second = await StreamsTestCluster.StartAsync(store);
        await second.Stream<string>(IImplicitCollectorGrain.Namespace, "k").OnNextAsync("new");

        // The implicit subscriber gets whatever the restarted queue reads: without the checkpoint, the 8 old events again.
        var collector = second.Client.GetGrain<IImplicitCollectorGrain>("k");
        await WaitForAsync(collector.GetReceivedAsync, 1);
        await Task.Delay(1000);
        Assert.Equal([new ReceivedEvent<string>("new", 8)], await collector.GetReceivedAsync());
    }

    [Fact]
    public async Task EventsPublishedBeforeAnyQueueKnewTheTopicReachAnImplicitSubscriber()
    {
        await using var cluster = await StreamsTestCluster.StartAsync(Store, o => o.TopicRefreshInterval = TimeSpan.FromSeconds(2));
        var stream = cluster.Stream<string>(IImplicitCollectorGrain.Namespace, "early");
        for (var i = 0; i < 5; i++) await stream.OnNextAsync($"early {i}");

        var received = await WaitForAsync(() => cluster.Client.GetGrain<IImplicitCollectorGrain>("early").GetReceivedAsync(), 5);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"early {i}"), received.Select(e => e.Value));
    }

    private static Task<IReadOnlyList<ReceivedEvent<T>>> WaitForAsync<T>(IStreamCollectorGrain<T> collector, int count) =>
        WaitForAsync(collector.GetReceivedAsync, count);

    private static async Task<IReadOnlyList<ReceivedEvent<T>>> WaitForAsync<T>(Func<Task<IReadOnlyList<ReceivedEvent<T>>>> getReceived, int count)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var received = await getReceived();
            if (received.Count >= count) return received;
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Received {received.Count} of {count} events: {string.Join(", ", received.Select(e => $"{e.Value}@{e.Offset}"))}");
            }
            await Task.Delay(100);
        }
    }

    public void Dispose() => _temp.Dispose();
}
