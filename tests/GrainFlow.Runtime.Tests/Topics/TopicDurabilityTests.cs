using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Silo.Examples;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Azurite;
using GrainFlow.Testing.Cluster;
using GrainFlow.Topics;
using Orleans.Concurrency;

namespace GrainFlow.Runtime.Tests.Topics;

/// <summary>
/// Topics and job records must outlive every silo: each test stops the whole cluster and starts a
/// new one on the same store. Run against the filesystem and Azure Blob (Azurite).
/// </summary>
public abstract class TopicDurabilityTests : IDisposable
{
    protected TemporaryDirectory Temp { get; } = new();

    protected abstract IObjectStore CreateStore();

    [Fact]
    public async Task ATopicCanBeReplayedFromAnyOffsetAfterEverySiloRestarted()
    {
        var store = CreateStore();
        var records = Enumerable.Range(0, 250).Select(i => TopicRecord.FromText($"event {i}", key: $"k{i % 7}")).ToArray();
        IReadOnlyList<(int Partition, long Offset)> positions;
        await using (var first = await RuntimeCluster.StartAsync(store, silos: 1))
        {
            await first.Client.GetGrain<ITopicGrain>("events").CreateAsync(new TopicSettings(3, TopicSettings.Unlimited, TopicSettings.Unlimited, 1024));
            positions = await first.Client.GetGrain<ITopicGrain>("events").PublishAsync(new Immutable<TopicRecord[]>(records));
        }

        await using var second = await RuntimeCluster.StartAsync(store, silos: 1);
        var info = await second.Client.GetGrain<ITopicGrain>("events").GetInfoAsync();
        Assert.Equal(250, info.Partitions.Sum(p => p.EndOffset));
        foreach (var partition in info.Partitions)
        {
            var expected = records.Where((_, i) => positions[i].Partition == partition.Partition).ToList();
            var from = Math.Min(5, expected.Count);
            var read = await second.ReadPartitionAsync("events", partition.Partition, from);
            Assert.Equal(expected.Skip(from).Select(r => r.ValueAsText()), read.Select(r => r.Record.ValueAsText()));
            Assert.Equal(Enumerable.Range(from, expected.Count - from).Select(i => (long)i), read.Select(r => r.Offset));
        }

        // The restarted partitions keep appending after their last offsets.
        var more = await second.Client.GetGrain<ITopicGrain>("events").PublishAsync(new Immutable<TopicRecord[]>([TopicRecord.FromText("later", "k0")]));
        Assert.Equal(positions.Where(p => p.Partition == more[0].Partition).Max(p => p.Offset) + 1, more[0].Offset);
    }

    [Fact]
    public async Task AFinishedJobIsFoundWithItsStatusAfterEverySiloRestarted()
    {
        var store = CreateStore();
        JobId jobId;
        await using (var first = await RuntimeCluster.StartAsync(store, silos: 1))
        {
            jobId = await first.RunToCompletionAsync(KeyedCountJob.Name, new Dictionary<string, string> { ["records"] = "100", ["sink"] = "discard" });
        }
        await using var second = await RuntimeCluster.StartAsync(store, silos: 1);
        var details = await second.Job(jobId).GetDetailsAsync();
        Assert.Equal(JobStatus.Finished, details.Status);
        Assert.Equal(KeyedCountJob.Name, details.Name);
        var listed = await second.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync();
        Assert.Contains(listed, j => j.JobId == jobId && j.Status == JobStatus.Finished);
    }

    [Fact]
    public async Task SizeRetentionDeletesOldSegmentsAndReadingBelowTheEarliestOffsetIsAClearError()
    {
        var store = CreateStore();
        await using var cluster = await RuntimeCluster.StartAsync(store, silos: 1);
        var topic = cluster.Client.GetGrain<ITopicGrain>("bounded");
        await topic.CreateAsync(new TopicSettings(1, RetentionBytes: 4096, RetentionMs: TopicSettings.Unlimited, SegmentBytes: 1024));
        for (var i = 0; i < 40; i++)
        {
            await topic.PublishAsync(new Immutable<TopicRecord[]>([TopicRecord.FromText(new string('x', 200) + i)]));
        }
        var partition = (await topic.GetInfoAsync()).Partitions[0];
        Assert.Equal(40, partition.EndOffset);
        Assert.True(partition.EarliestOffset > 0);
        Assert.True(partition.SizeBytes <= 4096 + 1024);
        var error = await Assert.ThrowsAsync<TopicException>(() =>
            cluster.Client.GetGrain<ITopicPartitionGrain>(ITopicPartitionGrain.KeyOf("bounded", 0)).ReadAsync(0, 10));
        Assert.Contains($"earliest offset is {partition.EarliestOffset}", error.Message);
        var segments = new List<ObjectInfo>();
        await foreach (var info in store.ListAsync("topics/bounded/0000/")) segments.Add(info);
        Assert.True(segments.Sum(s => s.Size) <= 4096 + 1024);
    }

    [Fact]
    public async Task AgeRetentionDeletesSealedSegmentsOlderThanTheRetentionTime()
    {
        var store = CreateStore();
        await using var cluster = await RuntimeCluster.StartAsync(store, silos: 1);
        var topic = cluster.Client.GetGrain<ITopicGrain>("aging");
        await topic.CreateAsync(new TopicSettings(1, TopicSettings.Unlimited, RetentionMs: 1500, SegmentBytes: 1024));
        for (var i = 0; i < 10; i++) await topic.PublishAsync(new Immutable<TopicRecord[]>([TopicRecord.FromText(new string('o', 300))]));
        Assert.Equal(0, (await topic.GetInfoAsync()).Partitions[0].EarliestOffset);

        await Task.Delay(2000);
        await topic.PublishAsync(new Immutable<TopicRecord[]>([TopicRecord.FromText("fresh")]));
        var partition = (await topic.GetInfoAsync()).Partitions[0];
        Assert.True(partition.EarliestOffset >= 9, $"earliest offset {partition.EarliestOffset}");
        Assert.Equal(11, partition.EndOffset);
    }

    [Fact]
    public async Task ATornAppendAtTheEndOfASegmentIsIgnoredAfterARestart()
    {
        var store = CreateStore();
        await using (var first = await RuntimeCluster.StartAsync(store, silos: 1))
        {
            await first.Client.GetGrain<ITopicGrain>("torn").CreateAsync(new TopicSettings(1, TopicSettings.Unlimited, TopicSettings.Unlimited, 1 << 20));
            await first.Client.GetGrain<ITopicGrain>("torn").PublishAsync(new Immutable<TopicRecord[]>([TopicRecord.FromText("a"), TopicRecord.FromText("b")]));
        }
        // A crash in the middle of an append leaves a partial frame behind.
        var segment = await FirstSegmentAsync(store, "topics/torn/0000/");
        await store.AppendAsync(segment, new byte[] { 200, 0, 0, 0, 1, 2, 3 });

        await using var second = await RuntimeCluster.StartAsync(store, silos: 1);
        var partition = second.Client.GetGrain<ITopicPartitionGrain>(ITopicPartitionGrain.KeyOf("torn", 0));
        Assert.Equal(2, (await partition.GetInfoAsync()).EndOffset);
        await second.Client.GetGrain<ITopicGrain>("torn").PublishAsync(new Immutable<TopicRecord[]>([TopicRecord.FromText("c")]));
        var all = await partition.ReadAsync(0, 10);
        Assert.Equal(["a", "b", "c"], all.Records.Select(r => r.Record.ValueAsText()));
    }

    private static async Task<string> FirstSegmentAsync(IObjectStore store, string prefix)
    {
        await foreach (var info in store.ListAsync(prefix)) return info.Key;
        throw new InvalidOperationException($"No segment under {prefix}.");
    }

    public void Dispose() => Temp.Dispose();
}

[Trait("Category", "Cluster")]
public sealed class FileSystemTopicDurabilityTests : TopicDurabilityTests
{
    protected override IObjectStore CreateStore() => new FileSystemObjectStore(Temp.Combine("store"));
}

[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class AzuriteTopicDurabilityTests(AzuriteFixture azurite) : TopicDurabilityTests
{
    protected override IObjectStore CreateStore() => azurite.CreateStoreOnNewContainer("topics");
}
