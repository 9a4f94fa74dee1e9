using System.Text.Json;
using GrainFlow.Cluster.Tests.Fixtures;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Silo.Examples;
using GrainFlow.Topics;

namespace GrainFlow.Cluster.Tests;

/// <summary>
/// Issue 4, "Recovery", with real processes: a silo process is killed while a checkpointed job runs
/// on it — its subtasks, and the job manager, die with it, without any chance to report — and the
/// job restarts from the latest completed checkpoint on the remaining silos and ends with exactly
/// the failure-free result.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
[Trait("Category", "Process")]
public sealed class SiloCrashTests(ProcessClusterFixture cluster)
{
    private const int Parallelism = 3;
    private const long Records = 24_000;
    private const long Keys = 40;

    [Fact]
    public async Task KillingTheSiloProcessOfTheJobManagerAndSubtasksRestoresTheJobFromTheLatestCheckpointWithExactCounts()
    {
        await cluster.EnsureAllSilosRunningAsync();
        var topic = $"keyed-counts-{Guid.NewGuid():N}";
        var jobId = await cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).SubmitAsync(new JobSubmission(KeyedCountJob.Name,
            new Dictionary<string, string>
            {
                ["records"] = Records.ToString(),
                ["keys"] = Keys.ToString(),
                // Each subtask reads 2 or 3 of the 8 splits at this rate: the job runs for about 11 s.
                ["records-per-second"] = "800",
                ["sink"] = "TOPIC",
                ["output-topic"] = topic,
                ["execution.checkpointing.interval"] = "300 ms",
                ["execution.checkpointing.dir"] = cluster.Directory.Combine("checkpoints"),
                ["heartbeat.interval"] = "1 s",
                // One restart allowed: redeploying while the dead silo is not yet declared dead
                // must wait for the cluster, not use up the strategy.
                ["restart-strategy.type"] = "fixed-delay",
                ["restart-strategy.fixed-delay.attempts"] = "1",
                ["restart-strategy.fixed-delay.delay"] = "100 ms",
            }, Parallelism));
        var job = cluster.Client.GetGrain<IJobManagerGrain>(jobId.Value);

        await WaitUntilAsync(async () => (await job.GetCheckpointStatsAsync()).Completed >= 1, "a checkpoint completed");
        var jobManagerSilo = await cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(job);
        var victim = cluster.Silos.Single(s => jobManagerSilo is not null && s.Is(jobManagerSilo));
        var subtasksOnVictim = 0;
        foreach (var vertex in new[] { "generator", "count" })
        {
            for (var i = 0; i < Parallelism; i++)
            {
                var metrics = await Subtask(jobId, vertex, i).GetMetricsAsync();
                if (metrics.Silo == jobManagerSilo!.ToString()) subtasksOnVictim++;
            }
        }
        Assert.True(subtasksOnVictim > 0, $"no subtask runs on {victim}, the silo of the job manager");
        var before = await job.GetDetailsAsync();
        Assert.Equal(JobStatus.Running, before.Status);

        victim.Kill();

        var details = await WaitForEndAsync(job);
        Assert.True(details.Status == JobStatus.Finished,
            $"{details.Status}: {details.Failure?.ExceptionType}: {details.Failure?.Message}{Environment.NewLine}{cluster.Diagnostics()}");
        Assert.True(details.Attempt > before.Attempt, $"the job did not restart (attempt {details.Attempt})");
        Assert.StartsWith($"restored job {jobId} (attempt {details.Attempt}) from checkpoint ", details.StateOrigin);

        // Keyed state: every key counted exactly once per record, as without the crash.
        var counts = new Dictionary<string, long>();
        for (var i = 0; i < Parallelism; i++)
        {
            var subtask = Subtask(jobId, "count", i);
            Assert.NotEqual(jobManagerSilo!.ToString(), (await subtask.GetMetricsAsync()).Silo);
            foreach (var entry in await subtask.GetKeyedStateAsync("count", KeyedCountJob.CountPerKey.StateName))
            {
                Assert.True(counts.TryAdd(entry.Key, long.Parse(entry.Value)), $"key {entry.Key} is on two subtasks");
            }
        }
        AssertExactCounts(counts, "keyed state");

        // Output: the topic is a changelog (a restart replays from the checkpoint), and each key's last count is the exact one.
        AssertExactCounts(await LastCountPerKeyAsync(topic), $"topic {topic}");

        // What an operator sees: the CLI's status shows the restore.
        var status = await cluster.RunCliAsync("status", jobId.Value);
        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.Contains("Status:          FINISHED", status.Stdout);
        Assert.Contains($"Attempt:         {details.Attempt}", status.Stdout);
        Assert.Contains($"State:           restored job {jobId} (attempt {details.Attempt}) from checkpoint ", status.Stdout);
    }

    private ISubtaskGrain Subtask(JobId jobId, string vertex, int index) => cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, vertex, index));

    private static void AssertExactCounts(Dictionary<string, long> counts, string where)
    {
        Assert.True(counts.Count == Keys, $"{where}: {counts.Count} keys instead of {Keys}");
        var wrong = counts.Where(c => c.Value != Records / Keys).Select(c => $"{c.Key}={c.Value}").ToList();
        Assert.True(wrong.Count == 0, $"{where}: expected {Records / Keys} per key; wrong: {string.Join(", ", wrong)}");
    }

    private async Task<Dictionary<string, long>> LastCountPerKeyAsync(string topic)
    {
        var info = await cluster.Client.GetGrain<ITopicGrain>(topic).GetInfoAsync();
        var last = new Dictionary<string, long>();
        for (var partition = 0; partition < info.Partitions.Count; partition++)
        {
            var grain = cluster.Client.GetGrain<ITopicPartitionGrain>(ITopicPartitionGrain.KeyOf(topic, partition));
            for (long from = 0; ;)
            {
                var read = await grain.ReadAsync(from, 1000);
                foreach (var record in read.Records)
                {
                    using var json = JsonDocument.Parse(record.Record.Value);
                    last[record.Record.Key!] = json.RootElement.GetProperty("Count").GetInt64();
                }
                if (read.NextOffset >= read.EndOffset) break;
                from = read.NextOffset;
            }
        }
        return last;
    }

    private async Task<JobDetails> WaitForEndAsync(IJobManagerGrain job)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await job.WaitForTerminationAsync(TimeSpan.FromSeconds(5))).IsTerminal()) return await job.GetDetailsAsync();
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // The job manager's silo is gone and not yet declared dead: ask again.
            }
        }
        throw new TimeoutException($"The job did not end within 2 minutes.{Environment.NewLine}{cluster.Diagnostics()}");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting until {what}.");
            await Task.Delay(100);
        }
    }
}
