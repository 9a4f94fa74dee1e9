using System.Text.Json;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Topics;

namespace GrainFlow.Runtime.Tests.Sinks;

/// <summary>
/// The file and topic sinks under checkpoints: output appears only when the checkpoint covering it
/// completes, and across injected failures every (key, count) update is in the committed output
/// exactly once, with nothing staged left behind.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ExactlyOnceSinkTests(SharedClusterFixture fixture)
{
    private const long Records = 16_000;
    private const long Keys = 40;

    private Dictionary<string, string> FailingRunSettings(int seed, params (string Key, string Value)[] sink)
    {
        var random = new Random(seed);
        var plan = FailurePlan.Create(Enumerable.Range(0, 3).Select(_ => (long)random.Next(1_000, 15_000)).Distinct());
        var settings = new Dictionary<string, string>
        {
            ["execution.checkpointing.interval"] = "100 ms",
            ["execution.checkpointing.dir"] = fixture.Directory.Combine($"checkpoints-{Guid.NewGuid():N}"),
            ["execution.buffer-timeout.interval"] = "5 ms",
            ["records"] = Records.ToString(),
            ["keys"] = Keys.ToString(),
            ["records-per-second"] = "4000",
            ["failure-plan"] = plan,
            ["restart-strategy.type"] = "fixed-delay",
            ["restart-strategy.fixed-delay.attempts"] = "10",
            ["restart-strategy.fixed-delay.delay"] = "50 ms",
        };
        foreach (var (key, value) in sink) settings[key] = value;
        return settings;
    }

    private static void AssertEveryUpdateExactlyOnce(IReadOnlyList<KeyCount> output, JobDetails details)
    {
        var duplicates = output.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => $"{g.Key.Key}:{g.Key.Count}×{g.Count()}").ToList();
        Assert.True(duplicates.Count == 0, $"committed twice: {string.Join(", ", duplicates.Take(20))} ({details.StateOrigin})");
        var expected = Enumerable.Range(0, (int)Keys).SelectMany(k => Enumerable.Range(1, (int)(Records / Keys)).Select(c => new KeyCount(k, c))).ToHashSet();
        var missing = expected.Except(output).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} updates missing, e.g. {string.Join(", ", missing.Take(10))} ({details.StateOrigin})");
        Assert.Equal(expected.Count, output.Count);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task FileSinkCommitsEveryUpdateExactlyOnceAcrossInjectedFailures(int seed)
    {
        var output = fixture.Directory.Combine($"file-output-{Guid.NewGuid():N}");
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, FailingRunSettings(seed, ("sink", "file"), ("output", output)), parallelism: 2);
        var details = await fixture.Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2));

        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.True(details.Attempt >= 2, "the failure plan restarted the job");
        AssertEveryUpdateExactlyOnce(ReadFileOutput(output), details);
        Assert.Empty(Directory.GetFiles(output, "*.inprogress"));
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public async Task TopicSinkCommitsEveryUpdateExactlyOnceAcrossInjectedFailures(int seed)
    {
        var topic = $"exactly-once-{Guid.NewGuid():N}";
        await fixture.Cluster.Client.GetGrain<ITopicGrain>(topic).CreateAsync(new TopicSettings(3, TopicSettings.Unlimited, TopicSettings.Unlimited, 1 << 20));
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, FailingRunSettings(seed, ("sink", "topic"), ("output-topic", topic)), parallelism: 2);
        var details = await fixture.Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2));

        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.True(details.Attempt >= 2, "the failure plan restarted the job");
        var records = await ReadTopicAsync(topic, 3);
        AssertEveryUpdateExactlyOnce(records.Select(r => Parse(r.Record.ValueAsText())).ToList(), details);
        // A key's updates are in one partition and in order, as a reader of a changelog expects.
        foreach (var partition in records.GroupBy(r => r.Partition))
        {
            foreach (var key in partition.Select(r => Parse(r.Record.ValueAsText())).GroupBy(c => c.Key))
            {
                Assert.Equal(key.Select(c => c.Count).Order(), key.Select(c => c.Count));
            }
        }
        Assert.Empty(StagedTopicObjects(topic));
    }

    [Fact]
    public async Task TopicReadersSeeNothingOfASinksOutputUntilItsCheckpointCompletes()
    {
        var topic = $"read-committed-{Guid.NewGuid():N}";
        var (jobId, coordinator) = await StartWithOneManualCheckpointAsync(("sink", "topic"), ("output-topic", topic));
        try
        {
            Assert.Empty(await ReadTopicAsync(topic));

            await coordinator.TriggerCheckpointAsync();
            await Eventually(async () => (await coordinator.GetStatsAsync()).Completed >= 1, "the triggered checkpoint completed");
            await Eventually(async () => (await ReadTopicAsync(topic)).Count > 500, "the committed output became visible");
            var visible = (await ReadTopicAsync(topic)).Select(r => Parse(r.Record.ValueAsText())).ToList();
            // What is visible is a consistent prefix: for every key, counts 1..n with no gaps.
            foreach (var key in visible.GroupBy(c => c.Key))
            {
                Assert.Equal(Enumerable.Range(1, key.Count()).Select(c => (long)c), key.Select(c => c.Count).Order());
            }
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task FileSinkPartsAppearOnlyWhenTheirCheckpointCompletes()
    {
        var output = fixture.Directory.Combine($"file-output-{Guid.NewGuid():N}");
        var (jobId, coordinator) = await StartWithOneManualCheckpointAsync(("sink", "file"), ("output", output));
        try
        {
            Assert.Empty(ReadFileOutput(output));
            Assert.NotEmpty(Directory.GetFiles(output, ".part-sink-*.inprogress"));

            await coordinator.TriggerCheckpointAsync();
            await Eventually(() => Task.FromResult(ReadFileOutput(output).Count > 500), "the committed parts appeared");
            Assert.NotEmpty(Directory.GetFiles(output, "part-sink-*-0.jsonl"));
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
    }

    /// <summary>Starts an unbounded count job whose periodic checkpoints never come in a test's time, and waits until its sink has records.</summary>
    private async Task<(JobId JobId, ICheckpointCoordinatorGrain Coordinator)> StartWithOneManualCheckpointAsync(params (string Key, string Value)[] sink)
    {
        var settings = new Dictionary<string, string>
        {
            ["execution.checkpointing.interval"] = "1 h",
            ["execution.checkpointing.dir"] = fixture.Directory.Combine($"checkpoints-{Guid.NewGuid():N}"),
            ["execution.buffer-timeout.interval"] = "5 ms",
            ["records-per-second"] = "2000",
            ["keys"] = "10",
        };
        foreach (var (key, value) in sink) settings[key] = value;
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, settings, parallelism: 2);
        var subtask = fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "count", 0));
        await Eventually(async () => (await subtask.GetMetricsAsync()).RecordsIn > 500, "the sink received records");
        return (jobId, fixture.Cluster.Client.GetGrain<ICheckpointCoordinatorGrain>(jobId.Value));
    }

    private static List<KeyCount> ReadFileOutput(string directory) => Directory.Exists(directory)
        ? Directory.GetFiles(directory, "part-*.jsonl").SelectMany(File.ReadLines).Where(l => l.Length > 0).Select(Parse).ToList()
        : [];

    private async Task<List<StoredTopicRecord>> ReadTopicAsync(string topic, int partitions = 0)
    {
        if (partitions == 0)
        {
            if (!await fixture.Cluster.Client.GetGrain<ITopicGrain>(topic).ExistsAsync()) return [];
            partitions = (await fixture.Cluster.Client.GetGrain<ITopicGrain>(topic).GetInfoAsync()).Partitions.Count;
        }
        var all = new List<StoredTopicRecord>();
        for (var p = 0; p < partitions; p++) all.AddRange(await fixture.Cluster.ReadPartitionAsync(topic, p));
        return all;
    }

    private string[] StagedTopicObjects(string topic)
    {
        var staging = Path.Combine(fixture.Directory.Combine("store"), "topics", topic, "_pending");
        return Directory.Exists(staging) ? Directory.GetFiles(staging, "*", SearchOption.AllDirectories) : [];
    }

    private static KeyCount Parse(string line) => JsonSerializer.Deserialize<KeyCount>(line);

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting until {what}.");
            await Task.Delay(50);
        }
    }
}
