using GrainFlow.Checkpoints;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Execution;
using GrainFlow.Silo.Examples;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Fixtures;

/// <summary>What recovery tests watch of a running checkpointed-count job: checkpoints, subtasks, and the final keyed counts.</summary>
internal sealed class RecoveryProbe(GrainFlowTestCluster cluster, JobId jobId)
{
    public IJobManagerGrain Job => cluster.Job(jobId);

    public ISubtaskGrain Subtask(string vertexUid, int index) => cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, vertexUid, index));

    public async Task<CheckpointStatsSnapshot> WaitForCompletedCheckpointsAsync(int count)
    {
        var coordinator = cluster.Client.GetGrain<ICheckpointCoordinatorGrain>(jobId.Value);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var stats = await coordinator.GetStatsAsync();
            if (stats.Completed >= count) return stats;
            var details = await Job.GetDetailsAsync();
            if (DateTime.UtcNow > deadline || details.Status.IsTerminal())
            {
                throw new TimeoutException($"Only {stats.Completed} checkpoints completed (job {details.Status}: {details.Failure?.Message}).");
            }
            await Task.Delay(50);
        }
    }

    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        GrainFlow.Testing.Polling.Poll.UntilAsync(condition, what, timeout);

    /// <summary>The count per key in the keyed state of every subtask of the counting operator heading its vertex (each key on exactly one).</summary>
    public async Task<Dictionary<string, long>> CountsAsync(int parallelism, string operatorUid = "count")
    {
        var counts = new Dictionary<string, long>();
        for (var i = 0; i < parallelism; i++)
        {
            foreach (var entry in await Subtask(operatorUid, i).GetKeyedStateAsync(operatorUid, KeyedCountJob.CountPerKey.StateName))
            {
                Assert.True(counts.TryAdd(entry.Key, long.Parse(entry.Value)), $"key {entry.Key} is on two subtasks of {operatorUid}");
            }
        }
        return counts;
    }

    /// <summary>Fails unless every key counted exactly records / keys — the failure-free answer.</summary>
    public async Task AssertExactCountsAsync(int parallelism, long records, long keys, JobDetails details)
    {
        var counts = await CountsAsync(parallelism);
        Assert.Equal(Enumerable.Range(0, (int)keys).Select(k => k.ToString()), counts.Keys.OrderBy(long.Parse));
        var wrong = counts.Where(c => c.Value != records / keys).Select(c => $"{c.Key}={c.Value}").ToList();
        Assert.True(wrong.Count == 0, $"expected {records / keys} per key; wrong: {string.Join(", ", wrong)}; {details.StateOrigin}");
    }
}
