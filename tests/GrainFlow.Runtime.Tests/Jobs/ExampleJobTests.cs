using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Silo.Examples;
using GrainFlow.Topics;
using Orleans.Concurrency;

namespace GrainFlow.Runtime.Tests.Jobs;

[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ExampleJobTests(SharedClusterFixture fixture)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task KeyedCountCountsEveryRecordOfEveryKeyExactly(int parallelism)
    {
        var output = fixture.Directory.Combine($"keyed-count-{parallelism}");
        await fixture.Cluster.RunToCompletionAsync(KeyedCountJob.Name,
            new Dictionary<string, string> { ["records"] = "30007", ["keys"] = "13", ["output"] = output }, parallelism);

        var counts = ExampleResults.FinalCounts(output);
        var expected = Enumerable.Range(0, 13).ToDictionary(k => k.ToString(), k => Enumerable.Range(0, 30007).LongCount(n => n % 13 == k));
        Assert.Equal(expected.OrderBy(e => e.Key), counts.OrderBy(e => e.Key));
        Assert.Equal(parallelism, Directory.GetFiles(output, "part-sink-*.jsonl").Length);
    }

    [Fact]
    public async Task KeyedCountKeepsTheCountOfEachKeyInKeyedStateOnTheOwningSubtask()
    {
        var jobId = await fixture.Cluster.RunToCompletionAsync(KeyedCountJob.Name,
            new Dictionary<string, string> { ["records"] = "1000", ["keys"] = "10", ["sink"] = "discard" }, parallelism: 2);

        var entries = new List<KeyedStateEntry>();
        for (var subtask = 0; subtask < 2; subtask++)
        {
            var grain = fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "count", subtask));
            entries.AddRange(await grain.GetKeyedStateAsync("count", KeyedCountJob.CountPerKey.StateName));
        }
        Assert.Equal(Enumerable.Range(0, 10).Select(k => k.ToString()), entries.Select(e => e.Key).Order());
        Assert.All(entries, e => Assert.Equal("100", e.Value));
        Assert.All(entries, e => Assert.Equal(GrainFlow.KeyGroups.KeyGroupAssignment.KeyGroupFor(long.Parse(e.Key), 128), e.KeyGroup));
    }

    [Fact]
    public async Task ProcessingTimeTimersFireOncePerKeyAndTimeWithTheKeyInScope()
    {
        var output = fixture.Directory.Combine("timers");
        var jobId = await fixture.Cluster.SubmitAsync(TestJobs.TimerJob.Name, new Dictionary<string, string> { ["output"] = output }, parallelism: 2);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            List<string> lines = [];
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                lines = Directory.Exists(output) ? Directory.GetFiles(output).SelectMany(ReadShared).ToList() : [];
                if (lines.Count >= 5) break;
            }
            await Task.Delay(400); // more records arrive, but each key's timer was registered for one time only
            lines = Directory.GetFiles(output).SelectMany(ReadShared).ToList();
            Assert.Equal(5, lines.Count);
            Assert.Equal(["key 0", "key 1", "key 2", "key 3", "key 4"], lines.Select(l => string.Join(' ', l.Split(' ').Take(2))).Order());
            Assert.All(lines, l => Assert.True(long.Parse(l.Split(' ')[^2]) >= 1));
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
    }

    private static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task BroadcastGivesEverySubtaskEveryRecordAndRebalanceGivesEachRecordToOne()
    {
        var output = fixture.Directory.Combine("fan-out");
        await fixture.Cluster.RunToCompletionAsync(TestJobs.FanOutJob.Name, new Dictionary<string, string> { ["output"] = output });

        var everything = Enumerable.Range(0, 300).Select(n => n.ToString()).ToList();
        var broadcast = Directory.GetFiles(Path.Combine(output, "broadcast"));
        Assert.Equal(3, broadcast.Length);
        Assert.All(broadcast, file => Assert.Equal(everything, File.ReadAllLines(file).OrderBy(long.Parse)));
        var spread = Directory.GetFiles(Path.Combine(output, "rebalance")).Select(File.ReadAllLines).ToList();
        Assert.Equal(2, spread.Count);
        Assert.All(spread, lines => Assert.Equal(150, lines.Length));
        Assert.Equal(everything, spread.SelectMany(l => l).OrderBy(long.Parse));
    }

    [Fact]
    public async Task WordCountCountsTheWordsOfATopicIntoAnotherTopic()
    {
        var input = $"words-{Guid.NewGuid():N}";
        var outputTopic = $"counts-{Guid.NewGuid():N}";
        var lines = new[] { "the quick brown fox", "jumps over the lazy dog", "The dog sleeps.", "", "fox, fox!" };
        await fixture.Cluster.Client.GetGrain<ITopicGrain>(input)
            .PublishAsync(new Immutable<TopicRecord[]>(lines.Select(l => TopicRecord.FromText(l)).ToArray()));

        await fixture.Cluster.RunToCompletionAsync(WordCountJob.Name,
            new Dictionary<string, string> { ["topic"] = input, ["sink"] = "topic", ["output-topic"] = outputTopic }, parallelism: 2);

        var info = await fixture.Cluster.Client.GetGrain<ITopicGrain>(outputTopic).GetInfoAsync();
        var finalCounts = new Dictionary<string, long>();
        foreach (var partition in info.Partitions)
        {
            var read = await fixture.Cluster.Client.GetGrain<ITopicPartitionGrain>(ITopicPartitionGrain.KeyOf(outputTopic, partition.Partition))
                .ReadAsync(partition.EarliestOffset, 1000);
            foreach (var record in read.Records)
            {
                var count = System.Text.Json.JsonSerializer.Deserialize<WordCount>(record.Record.Value);
                finalCounts[count.Word] = count.Count;
            }
        }
        var expected = new Dictionary<string, long>
        {
            ["the"] = 3, ["quick"] = 1, ["brown"] = 1, ["fox"] = 3, ["jumps"] = 1, ["over"] = 1, ["lazy"] = 1, ["dog"] = 2, ["sleeps"] = 1,
        };
        Assert.Equal(expected.OrderBy(e => e.Key), finalCounts.OrderBy(e => e.Key));
    }
}
