using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Sources;
using GrainFlow.Runtime.Tests.EventTime;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Topics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Concurrency;

namespace GrainFlow.Runtime.Tests.Sources;

/// <summary>
/// A topic source reads each partition as a split: its records come through that partition's output
/// with their publish time, so a subtask reading several partitions keeps one watermark per partition
/// and emits their minimum.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class TopicSourceSplitTests(SharedClusterFixture fixture)
{
    private static TopicRecord At(string key, long timestampMs) => new(key, System.Text.Encoding.UTF8.GetBytes($"{key}@{timestampMs}"), timestampMs);

    private SubtaskInfo Subtask(int index, int parallelism) =>
        new(JobId.New(), "test", "events", index, parallelism, GrainFlowConfiguration.Empty,
            new ServiceCollection().AddSingleton<IGrainFactory>(fixture.Cluster.Client).BuildServiceProvider());

    private async Task<(string Topic, IReadOnlyList<(int Partition, long Offset)> Positions, TopicRecord[] Records)> PublishAsync(TopicRecord[] records)
    {
        var topic = $"events-{Guid.NewGuid():N}";
        var grain = fixture.Cluster.Client.GetGrain<ITopicGrain>(topic);
        await grain.CreateAsync(new TopicSettings(3, TopicSettings.Unlimited, TopicSettings.Unlimited, 1 << 20));
        return (topic, await grain.PublishAsync(new Immutable<TopicRecord[]>(records)), records);
    }

    [Fact]
    public async Task EachPartitionsRecordsComeThroughItsOwnOutputWithTheirPublishTime()
    {
        var (topic, positions, records) = await PublishAsync(Enumerable.Range(0, 60).Select(i => At($"user-{i % 9}", 1_000 + i)).ToArray());
        var output = new RecordingReaderOutput<string>();
        await using var reader = TopicSource.Text(topic, bounded: true).CreateReader(Subtask(0, 1));

        while (await reader.PollAsync(output, 7, CancellationToken.None) != SourcePollStatus.EndOfInput) { }

        var expected = records.Select((r, i) => ((string?)$"partition-{positions[i].Partition}", r.ValueAsText(), (long?)r.TimestampMs)).Order();
        Assert.Equal(expected, output.Emitted.Select(e => (e.Split, e.Record, e.Timestamp)).Order());
        Assert.Equal(positions.Select(p => $"partition-{p.Partition}").Distinct().Order(), output.Created.Order());
        Assert.Equal(output.Created.Order(), output.Released.Order()); // a bounded partition is released at its end
    }

    [Fact]
    public async Task ASubtaskReadingSeveralPartitionsHoldsItsWatermarkAtTheSlowestPartition()
    {
        // Partition by partition: a far-ahead partition must not carry the source's watermark past the others.
        var (topic, positions, records) = await PublishAsync(Enumerable.Range(0, 90).Select(i => At($"user-{i % 9}", 10_000 * (i % 9))).ToArray());
        var slowest = positions.Select((p, i) => (p.Partition, records[i].TimestampMs)).GroupBy(p => p.Partition).Min(g => g.Max(p => p.TimestampMs));
        var timestamp = new RecordTimestamp();
        var chain = new TimestampedRecords<string>(timestamp);
        var output = new SourceReaderOutput<string>(WatermarkStrategy<string>.ForMonotonousTimestamps(), chain, timestamp, new FakeTimeProvider(), "Events");
        await using var reader = TopicSource.Text(topic, bounded: false).CreateReader(Subtask(0, 1));

        var watermarks = new List<long>();
        for (var poll = 0; chain.Items.Count < records.Length; poll++)
        {
            Assert.True(poll < 1_000, "the source did not deliver every record");
            await reader.PollAsync(output, 5, CancellationToken.None);
            watermarks.AddRange(output.EmitPeriodic().OfType<Watermark>().Select(w => w.TimestampMs));
        }

        Assert.Equal(records.Select(r => (r.ValueAsText(), r.TimestampMs)).Order(), chain.Items.Order());
        Assert.Equal(slowest - 1, watermarks[^1]);
        Assert.Equal(watermarks.Order(), watermarks); // never backwards
    }
}
