using System.Text;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Sources;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;
using GrainFlow.Topics;

namespace GrainFlow.Runtime.Tests.Streams;

/// <summary>
/// Publishing through an Orleans stream of the topic stream provider stores the events in the GrainFlow
/// topic named by the stream namespace, under the stream key, before OnNextAsync returns.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class TopicStreamPublishTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    private FileSystemObjectStore Store => new(_temp.Combine("store"));

    [Fact]
    public async Task PublishingFromAGrainAppendsEveryEventToTheStreamKeysPartitionInOrderBeforeOnNextReturns()
    {
        await using var cluster = await StreamsTestCluster.StartAsync(Store);
        var events = Enumerable.Range(0, 25).Select(i => $"order {i}").ToArray();

        await cluster.Client.GetGrain<IStreamProducerTestGrain<string>>("producer").PublishAsync("orders", "customer-7", events);

        // No waiting: once OnNextAsync has returned, the events are in the topic.
        var partitions = await cluster.ReadTopicAsync("orders");
        Assert.Equal(4, partitions.Length);
        var expectedPartition = (StableKeyHash.Of("customer-7") & int.MaxValue) % 4;
        var stored = partitions[expectedPartition];
        Assert.Equal(events, stored.Select(r => r.Record.ValueAsText()));
        Assert.All(stored, r => Assert.Equal("customer-7", r.Record.Key));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i), stored.Select(r => r.Offset));
        Assert.All(partitions.Where((_, p) => p != expectedPartition), p => Assert.Empty(p));
    }

    [Fact]
    public async Task PublishingFromTheClientWithBatchesLandsInThePrefixedTopicOnePartitionPerStreamInOrder()
    {
        await using var cluster = await StreamsTestCluster.StartAsync(Store, o => o.TopicPrefix = "app.");
        var guidKey = Guid.NewGuid();
        var payments = cluster.Streams.GetStream<string>(StreamId.Create("payments", guidKey));
        var refunds = cluster.Streams.GetStream<string>(StreamId.Create("payments", 42));

        await payments.OnNextBatchAsync(Enumerable.Range(0, 10).Select(i => $"p{i}").ToList());
        await refunds.OnNextAsync("r0");
        await payments.OnNextAsync("p10");
        await refunds.OnNextBatchAsync(["r1", "r2"]);

        var all = (await cluster.ReadTopicAsync("app.payments")).SelectMany(p => p).ToList();
        var byKey = all.GroupBy(r => r.Record.Key!).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Offset).ToList());
        Assert.Equal(2, byKey.Count);
        // Orleans turns GUID keys into their "N" text and long keys into decimal text.
        Assert.Equal(Enumerable.Range(0, 11).Select(i => $"p{i}"), byKey[guidKey.ToString("N")].Select(r => r.Record.ValueAsText()));
        Assert.Equal(["r0", "r1", "r2"], byKey["42"].Select(r => r.Record.ValueAsText()));
        Assert.Single(byKey[guidKey.ToString("N")].Select(r => r.Partition).Distinct());
        Assert.Equal((StableKeyHash.Of("42") & int.MaxValue) % 4, byKey["42"][0].Partition);
        Assert.False(await cluster.Client.GetGrain<ITopicGrain>("payments").ExistsAsync());
    }

    [Fact]
    public async Task PublishedEventsAreReadBackFromTheTopicAfterTheWholeClusterRestarted()
    {
        var store = Store;
        var events = Enumerable.Range(0, 12).Select(i => $"durable {i}").ToArray();
        await using (var first = await StreamsTestCluster.StartAsync(store))
        {
            var stream = first.Stream<string>("ledger", "account-1");
            foreach (var item in events) await stream.OnNextAsync(item);
        }

        await using var second = await StreamsTestCluster.StartAsync(store);
        var stored = (await second.ReadTopicAsync("ledger")).Single(p => p.Count > 0);
        Assert.Equal(events, stored.Select(r => r.Record.ValueAsText()));
        Assert.All(stored, r => Assert.Equal("account-1", r.Record.Key));
    }

    [Fact]
    public async Task ARecordTypeEventIsStoredAsJsonThatDecodesToAnEqualValue()
    {
        await using var cluster = await StreamsTestCluster.StartAsync(Store);
        var orders = Enumerable.Range(1, 3)
            .Select(i => new TestOrder($"o-{i}", i, 10.5m * i, new DateTimeOffset(2025, 1, i, 12, 0, 0, TimeSpan.Zero)))
            .ToArray();

        await cluster.Client.GetGrain<IStreamProducerTestGrain<TestOrder>>("typed").PublishAsync("typed-orders", "shop", orders);
        await cluster.Stream<string>("typed-text", "shop").OnNextAsync("plain text, not JSON");

        var stored = (await cluster.ReadTopicAsync("typed-orders")).Single(p => p.Count > 0);
        Assert.Equal(orders, stored.Select(r => RecordCodec<TestOrder>.Decode(r.Record.Value)));
        Assert.StartsWith("{\"Id\":\"o-1\"", Encoding.UTF8.GetString(stored[0].Record.Value));
        var text = (await cluster.ReadTopicAsync("typed-text")).Single(p => p.Count > 0);
        Assert.Equal("plain text, not JSON", text[0].Record.ValueAsText());
    }

    [Fact]
    public async Task PublishingToANamespaceThatIsNotAValidTopicNameFailsWithTheTopicRules()
    {
        await using var cluster = await StreamsTestCluster.StartAsync(Store);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => cluster.Stream<string>("has spaces", "k").OnNextAsync("x"));
        Assert.Contains("not a valid topic name", error.Message);
    }

    public void Dispose() => _temp.Dispose();
}
