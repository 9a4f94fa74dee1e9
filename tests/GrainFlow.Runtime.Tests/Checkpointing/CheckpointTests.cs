using GrainFlow.Checkpoints;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Silo.Examples;

namespace GrainFlow.Runtime.Tests.Checkpointing;

[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class CheckpointTests(SharedClusterFixture fixture)
{
    private string NewCheckpointDirectory() => fixture.Directory.Combine($"checkpoints-{Guid.NewGuid():N}");

    private ICheckpointCoordinatorGrain Coordinator(JobId jobId) => fixture.Cluster.Client.GetGrain<ICheckpointCoordinatorGrain>(jobId.Value);

    private static Dictionary<string, string> Settings(string directory, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["execution.checkpointing.interval"] = "100 ms",
            ["execution.checkpointing.dir"] = directory,
            ["execution.buffer-timeout.interval"] = "5 ms",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    private async Task<CheckpointStatsSnapshot> WaitForCompletedAsync(JobId jobId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var stats = await Coordinator(jobId).GetStatsAsync();
            if (stats.Completed >= count) return stats;
            var details = await fixture.Cluster.Job(jobId).GetDetailsAsync();
            if (DateTime.UtcNow > deadline || details.Status.IsTerminal())
            {
                throw new TimeoutException($"Only {stats.Completed} checkpoints completed (job {details.Status}, failed {stats.Failed}: {stats.LatestFailed?.FailureMessage}).");
            }
            await Task.Delay(50);
        }
    }

    private static string[] CompletedCheckpointDirectories(string directory, JobId jobId)
    {
        var jobDirectory = Path.Combine(directory, jobId.Value);
        return Directory.Exists(jobDirectory)
            ? Directory.GetDirectories(jobDirectory, "chk-*").Where(d => File.Exists(Path.Combine(d, "_metadata"))).Order().ToArray()
            : [];
    }

    [Fact]
    public async Task PeriodicCheckpointsCompleteWithMetadataAndOnlyTheRetainedOnesStayOnDisk()
    {
        var directory = NewCheckpointDirectory();
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name,
            Settings(directory, ("execution.checkpointing.num-retained", "2"), ("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")),
            parallelism: 2);
        var stats = await WaitForCompletedAsync(jobId, 4);
        Assert.Equal(JobStatus.Canceled, await fixture.Cluster.Job(jobId).CancelAsync());

        var retained = CompletedCheckpointDirectories(directory, jobId);
        Assert.Equal(2, retained.Length);
        var latest = await Coordinator(jobId).GetLatestCompletedAsync();
        Assert.NotNull(latest);
        Assert.Equal(Path.Combine(directory, jobId.Value, $"chk-{latest!.CheckpointId}"), latest.ExternalPath.TrimEnd('/'));
        var metadata = CheckpointMetadata.FromBytes(await File.ReadAllBytesAsync(Path.Combine(latest.ExternalPath, "_metadata")), latest.ExternalPath);
        Assert.Equal(latest.CheckpointId, metadata.CheckpointId);
        Assert.Equal(128, metadata.MaxParallelism);
        var counts = metadata.OperatorSnapshots("count").ToList();
        Assert.Equal(2, counts.Count);
        Assert.Equal([(0, 63), (64, 127)], counts.Select(c => (c.KeyGroups!.Value.StartKeyGroup, c.KeyGroups.Value.EndKeyGroup)).Order());
        Assert.Equal(4, metadata.OperatorSnapshots("numbers").SelectMany(s => s.SourceOffsets!).Count());

        Assert.True(stats.LatestCompleted!.AcknowledgedSubtasks == stats.LatestCompleted.ExpectedSubtasks);
        Assert.Equal(4, stats.LatestCompleted.ExpectedSubtasks);
        // Each subtask's asynchronous part lies between the trigger and the completion.
        Assert.InRange(stats.LatestCompleted.MaxAsyncDuration, TimeSpan.FromTicks(1), stats.LatestCompleted.EndToEndDuration!.Value);
        Assert.InRange(stats.LatestCompleted.MaxSyncDuration, TimeSpan.Zero, stats.LatestCompleted.EndToEndDuration.Value);
        Assert.True(stats.History.Count <= CheckpointStatsTracker.DefaultHistorySize);
    }

    public enum Ending { Finished, Canceled, Failed, Suspended }

    [Theory]
    [InlineData("NO_EXTERNALIZED_CHECKPOINTS", Ending.Finished, false)]
    [InlineData("NO_EXTERNALIZED_CHECKPOINTS", Ending.Canceled, false)]
    [InlineData("NO_EXTERNALIZED_CHECKPOINTS", Ending.Failed, false)]
    [InlineData("NO_EXTERNALIZED_CHECKPOINTS", Ending.Suspended, false)]
    [InlineData("DELETE_ON_CANCELLATION", Ending.Finished, false)]
    [InlineData("DELETE_ON_CANCELLATION", Ending.Canceled, false)]
    [InlineData("DELETE_ON_CANCELLATION", Ending.Failed, true)]
    [InlineData("DELETE_ON_CANCELLATION", Ending.Suspended, false)]
    [InlineData("RETAIN_ON_CANCELLATION", Ending.Finished, false)]
    [InlineData("RETAIN_ON_CANCELLATION", Ending.Canceled, true)]
    [InlineData("RETAIN_ON_CANCELLATION", Ending.Failed, true)]
    [InlineData("RETAIN_ON_CANCELLATION", Ending.Suspended, true)]
    public async Task TerminalStatesKeepOrDeleteCheckpointsOnDiskExactlyAsFlinksRetentionTable(string retention, Ending ending, bool retained)
    {
        var directory = NewCheckpointDirectory();
        var settings = Settings(directory, ("execution.checkpointing.externalized-checkpoint-retention", retention), ("restart-strategy.type", "none"));
        switch (ending)
        {
            case Ending.Finished:
                settings["records"] = "8000";
                settings["records-per-second"] = "4000";
                break;
            case Ending.Failed:
                settings["failure-plan"] = FailurePlan.Create([6000]);
                settings["records-per-second"] = "3000";
                break;
        }
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, settings, parallelism: 2);
        await WaitForCompletedAsync(jobId, 1);
        switch (ending)
        {
            case Ending.Canceled:
                await fixture.Cluster.Job(jobId).CancelAsync();
                break;
            case Ending.Suspended:
                await Coordinator(jobId).ShutdownAsync(JobStatus.Suspended);
                break;
        }
        var end = ending == Ending.Suspended ? null : await fixture.Cluster.WaitForEndAsync(jobId);
        var status = end?.Status ?? JobStatus.Suspended;
        Assert.True(ending.ToString() == status.ToString(), $"ended {status}: {end?.Failure?.ExceptionType}: {end?.Failure?.Message} in {end?.Failure?.Origin}");

        var kept = CompletedCheckpointDirectories(directory, jobId);
        if (retained)
        {
            var latest = Assert.Single(kept);
            Assert.True(Directory.GetFiles(latest).Length >= 1);
        }
        else
        {
            Assert.False(Directory.Exists(Path.Combine(directory, jobId.Value)), $"{retention}/{ending}: nothing of job {jobId} may be left");
        }
        if (ending == Ending.Suspended) await fixture.Cluster.Job(jobId).CancelAsync();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ExactlyOnceStateSurvivesInjectedFailuresWithNothingLostOrCountedTwice(int seed)
    {
        const long records = 24_000;
        const long keys = 40;
        var random = new Random(seed);
        var failAt = Enumerable.Range(0, 3).Select(_ => (long)random.Next(1_000, 22_000)).Distinct().ToList();
        var plan = FailurePlan.Create(failAt);
        var settings = Settings(NewCheckpointDirectory(),
            ("records", records.ToString()), ("keys", keys.ToString()), ("records-per-second", "4000"), ("failure-plan", plan),
            ("restart-strategy.type", "fixed-delay"), ("restart-strategy.fixed-delay.attempts", "10"), ("restart-strategy.fixed-delay.delay", "50 ms"));
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, settings, parallelism: 2);
        var details = await fixture.Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2));

        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.Equal(0, FailurePlan.Remaining(plan));
        // Failures that hit two subtasks of one attempt at about the same time cause a single restart.
        Assert.InRange(details.Attempt, 2, 1 + failAt.Count);
        var counts = await CountsAsync(jobId, 2);
        Assert.Equal(Enumerable.Range(0, (int)keys).Select(k => k.ToString()), counts.Keys.Order(StringComparer.Ordinal).OrderBy(long.Parse));
        var stats = await Coordinator(jobId).GetStatsAsync();
        var wrong = counts.Where(c => c.Value != records / keys).Select(c => $"{c.Key}={c.Value}").ToList();
        Assert.True(wrong.Count == 0, $"expected {records / keys} per key; wrong: {string.Join(", ", wrong)}; failures at {string.Join(",", failAt)}; "
            + $"{details.StateOrigin}; restored {stats.Restored}, completed {stats.Completed}");
        if (stats.Restored > 0)
        {
            Assert.StartsWith($"restored job {jobId}", details.StateOrigin);
            Assert.Contains("from checkpoint", details.StateOrigin);
            Assert.Contains("source offsets split-", details.StateOrigin);
        }
    }

    [Fact]
    public async Task ADeactivatedCoordinatorComesBackAndGoesOnFromItsPersistedCheckpoints()
    {
        var directory = NewCheckpointDirectory();
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name,
            Settings(directory, ("execution.checkpointing.num-retained", "3")), parallelism: 2);
        try
        {
            var before = await WaitForCompletedAsync(jobId, 3);
            // As if its silo died: the activation, its timer and its in-memory pending checkpoints are gone.
            await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).DeactivateGrain(Coordinator(jobId).GetGrainId());

            // Watch the disk only: calling the coordinator here would reactivate it by itself.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            long newest;
            do
            {
                await Task.Delay(100);
                newest = CompletedCheckpointDirectories(directory, jobId).Select(d => long.Parse(Path.GetFileName(d)["chk-".Length..])).DefaultIfEmpty().Max();
            }
            while (newest <= before.LatestCompleted!.Id + 2 && DateTime.UtcNow < deadline);
            Assert.True(newest > before.LatestCompleted.Id + 2, $"no new checkpoints after the coordinator went away (newest {newest})");

            var after = await Coordinator(jobId).GetStatsAsync();
            Assert.True(after.Completed >= before.Completed + 2, "the counters were persisted, not reset");
            var ids = after.History.Where(h => h.Status == CheckpointStatus.Completed).Select(h => h.Id).ToList();
            Assert.Equal(ids.Distinct().Count(), ids.Count);
            Assert.Equal(JobStatus.Running, (await fixture.Cluster.Job(jobId).GetDetailsAsync()).Status);
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task CheckpointsThatExpirePastTheTolerableNumberFailTheJobAndLeaveNoFiles()
    {
        var directory = NewCheckpointDirectory();
        var settings = Settings(directory, ("execution.checkpointing.timeout", "1 ms"), ("execution.checkpointing.tolerable-failed-checkpoints", "2"),
            ("restart-strategy.type", "none"));
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, settings, parallelism: 2);
        var details = await fixture.Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(1));

        Assert.Equal(JobStatus.Failed, details.Status);
        Assert.Contains("Exceeded checkpoint tolerable failure threshold (2)", details.Failure!.Message);
        Assert.Contains("expired before completing", details.Failure.Message);
        var stats = await Coordinator(jobId).GetStatsAsync();
        Assert.True(stats.Failed >= 3);
        Assert.Equal(0, stats.Completed);
        await Task.Delay(500); // late writes of aborted checkpoints are deleted when their acknowledgement arrives
        Assert.False(Directory.Exists(Path.Combine(directory, jobId.Value)) && Directory.EnumerateFiles(Path.Combine(directory, jobId.Value), "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task ACheckpointDirectoryNeverRecordedAsCompletedIsDeletedWhenTheNextAttemptStartsAndTheRecordedOnesStay()
    {
        var directory = NewCheckpointDirectory();
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name,
            Settings(directory, ("execution.checkpointing.num-retained", "1"), ("records-per-second", "2000"),
                ("restart-strategy.type", "fixed-delay"), ("restart-strategy.fixed-delay.attempts", "3"), ("restart-strategy.fixed-delay.delay", "50 ms")),
            parallelism: 2);
        try
        {
            var before = await WaitForCompletedAsync(jobId, 3);
            // What a coordinator that died between writing chk-1/_metadata and recording the checkpoint leaves
            // (chk-1 itself was subsumed long ago: one checkpoint is retained).
            var stray = Path.Combine(directory, jobId.Value, "chk-1");
            Directory.CreateDirectory(stray);
            await File.WriteAllTextAsync(Path.Combine(stray, "_metadata"), "written, never recorded");
            await File.WriteAllTextAsync(Path.Combine(stray, $"count-0-{Guid.NewGuid():N}.state"), "state of a checkpoint nobody completed");

            // An activation lost while running fails the job over: attempt 2 starts the coordinator anew.
            await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).DeactivateGrain(
                fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "count", 0)).GetGrainId());
            await RecoveryProbe.WaitUntilAsync(async () => (await fixture.Cluster.Job(jobId).GetDetailsAsync()).Attempt >= 2, "the job restarted");
            await WaitForCompletedAsync(jobId, before.Completed + 1);

            Assert.False(Directory.Exists(stray), "the unrecorded chk-1 is still on disk");
            var latest = await Coordinator(jobId).GetLatestCompletedAsync();
            Assert.True(File.Exists(Path.Combine(latest!.ExternalPath, "_metadata")), $"the recorded checkpoint {latest.CheckpointId} lost its _metadata");
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
    }

    private async Task<Dictionary<string, long>> CountsAsync(JobId jobId, int parallelism)
    {
        var counts = new Dictionary<string, long>();
        for (var i = 0; i < parallelism; i++)
        {
            foreach (var entry in await fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "count", i)).GetKeyedStateAsync("count", KeyedCountJob.CountPerKey.StateName))
            {
                Assert.True(counts.TryAdd(entry.Key, long.Parse(entry.Value)), $"key {entry.Key} is on two subtasks");
            }
        }
        return counts;
    }
}
