using System.Text.Json;
using GrainFlow.Jobs;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using Fn = GrainFlow.Runtime.Tests.TestJobs.CheckpointedTimersJob.CountWhenTimersFire;

namespace GrainFlow.Runtime.Tests.Checkpointing;

/// <summary>Processing-time timers are part of the checkpoint: after a restore, every pending timer fires, and fires once.</summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class TimerRecoveryTests(SharedClusterFixture fixture)
{
    private const int Parallelism = 2;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EveryTimerFiresExactlyOnceAcrossFailuresWhileTimersArePendingAndWhileTheyFire()
    {
        const long records = 12_000;
        const long keys = 20;
        var plan = FailurePlan.Create([]);
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedTimersJob.Name, new Dictionary<string, string>
        {
            ["execution.checkpointing.interval"] = "100 ms",
            ["execution.checkpointing.dir"] = fixture.Directory.Combine($"checkpoints-{Guid.NewGuid():N}"),
            ["execution.buffer-timeout.interval"] = "5 ms",
            ["records"] = records.ToString(),
            ["keys"] = keys.ToString(),
            ["records-per-second"] = "1000",
            ["timer-delay-ms"] = "1000",
            ["failure-plan"] = plan,
            ["restart-strategy.type"] = "fixed-delay",
            ["restart-strategy.fixed-delay.attempts"] = "10",
            ["restart-strategy.fixed-delay.delay"] = "50 ms",
        }, Parallelism);
        try
        {
            await WaitUntilAsync(async () => (await fixture.Cluster.Job(jobId).GetCheckpointStatsAsync()).Completed >= 2, "two checkpoints completed");
            // 1. A record a little ahead of split 0's source: the latest checkpoint then holds the
            //    timers of the last second's records, which have not fired yet.
            var offsets = (await fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "numbers", 0)).GetMetricsAsync()).SourceOffsets;
            var failAt = 4 * (offsets["split-0"] + 100);
            Assert.True(failAt < records - 2_000, $"the source reached record {failAt} before two checkpoints completed; the failure must hit while timers are registered");
            FailurePlan.Add(plan, failAt);
            await WaitForRunningAttemptAsync(jobId, 2);

            // 2. A timer firing itself: key 3's fifth timer from now throws in OnTimer.
            var key3 = SubtaskKey.Of(jobId, CheckpointedTimersJob.OperatorUid, KeyGroupAssignment.SubtaskForKey(3L, Parallelism, 128));
            var firings = (await fixture.Cluster.Client.GetGrain<ISubtaskGrain>(key3).GetKeyedStateAsync(CheckpointedTimersJob.OperatorUid, Fn.Firings))
                .Where(e => e.Key == "3").Select(e => long.Parse(e.Value)).SingleOrDefault();
            FailurePlan.Add(plan, CheckpointedTimersJob.TimerFiring(3, firings + 5));
            await WaitForRunningAttemptAsync(jobId, 3);

            // Every record was processed and every timer fired: nothing pending, no timer left
            // (if that never happens, the assertions below tell what is missing).
            await TryWaitUntilAsync(async () => (await StateAsync(jobId, Fn.Fired)).Values.Sum() == records && (await TimerCountAsync(jobId)) == 0);
            var details = await fixture.Cluster.Job(jobId).GetDetailsAsync();
            Assert.Equal(3, details.Attempt);
            Assert.Equal(0, FailurePlan.Remaining(plan));
            Assert.StartsWith($"restored job {jobId} (attempt 3) from checkpoint", details.StateOrigin);

            var fired = await StateAsync(jobId, Fn.Fired);
            var wrong = fired.Where(f => f.Value != records / keys).Select(f => $"{f.Key}={f.Value}").ToList();
            Assert.True(fired.Count == keys && wrong.Count == 0, $"expected {records / keys} records per key counted by timers; wrong: {string.Join(", ", wrong)}");
            var pending = await StateAsync(jobId, Fn.Pending);
            Assert.True(pending.Count == 0, $"timers never fired for the records pending at: {string.Join(", ", pending.Select(p => $"key {p.Key}: {p.Value} times"))}");
            Assert.Equal(0, await TimerCountAsync(jobId));
            Assert.Equal(0, (await StateAsync(jobId, Fn.Unexpected)).Values.Sum());
            // The restored timers did fire after the restore (not only timers registered again by replayed records).
            Assert.True((await StateAsync(jobId, Fn.RestoredFirings)).Values.Sum() > 0, "no timer of a restored checkpoint fired after the restore");
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
    }

    /// <summary>One state of the timers operator, per key, from both subtasks (values of map state count their entries).</summary>
    private async Task<Dictionary<string, long>> StateAsync(JobId jobId, string stateName)
    {
        var result = new Dictionary<string, long>();
        for (var i = 0; i < Parallelism; i++)
        {
            var grain = fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, CheckpointedTimersJob.OperatorUid, i));
            foreach (var entry in await grain.GetKeyedStateAsync(CheckpointedTimersJob.OperatorUid, stateName))
            {
                using var json = JsonDocument.Parse(entry.Value);
                var value = json.RootElement.ValueKind == JsonValueKind.Object ? json.RootElement.EnumerateObject().Count() : json.RootElement.GetInt64();
                Assert.True(result.TryAdd(entry.Key, value), $"key {entry.Key} is on two subtasks");
            }
        }
        return result;
    }

    /// <summary>The registered timers, read from the reserved state table they live in.</summary>
    private async Task<long> TimerCountAsync(JobId jobId)
    {
        long count = 0;
        for (var i = 0; i < Parallelism; i++)
        {
            var grain = fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, CheckpointedTimersJob.OperatorUid, i));
            foreach (var entry in await grain.GetKeyedStateAsync(CheckpointedTimersJob.OperatorUid, Runtime.State.TimerStateNames.Processing(Runtime.State.TimerStateNames.UserTimers)))
            {
                using var json = JsonDocument.Parse(entry.Value);
                count += json.RootElement.GetArrayLength();
            }
        }
        return count;
    }

    private async Task WaitForRunningAttemptAsync(JobId jobId, long attempt)
    {
        await WaitUntilAsync(async () =>
        {
            var details = await fixture.Cluster.Job(jobId).GetDetailsAsync();
            Assert.False(details.Status.IsTerminal(), $"the job ended {details.Status}: {details.Failure?.Message}");
            return details.Attempt >= attempt && details.Status == JobStatus.Running;
        }, $"attempt {attempt} running");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        if (!await TryWaitUntilAsync(condition)) throw new TimeoutException($"Waited {Patience.TotalSeconds} s for: {what}.");
    }

    private static async Task<bool> TryWaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(100);
        }
        return true;
    }
}
