using System.Collections.Concurrent;
using System.Diagnostics;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Diagnostics;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Testing.Polling;

namespace GrainFlow.Runtime.Tests.Diagnostics;

/// <summary>A job's own figures (Flink's numRestarts, uptime, lastCheckpointRestoreTimestamp) and its restore trace, in a running cluster.</summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class JobMetricsTests(SharedClusterFixture fixture)
{
    [Fact]
    public async Task ARestartFromACheckpointCountsAsARestartSetsTheRestoreTimestampAndIsTraced()
    {
        var restores = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GrainFlowInstruments.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == CheckpointTracing.RestoreActivity) restores.Enqueue(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);
        var plan = FailurePlan.Create([]);
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, new Dictionary<string, string>
        {
            ["execution.checkpointing.interval"] = "100 ms",
            ["execution.checkpointing.dir"] = fixture.Directory.Combine($"checkpoints-{Guid.NewGuid():N}"),
            ["restart-strategy.type"] = "fixed-delay", ["restart-strategy.fixed-delay.delay"] = "10 ms",
            ["failure-plan"] = plan, ["records-per-second"] = "4000",
        }, parallelism: 2);
        try
        {
            await Poll.UntilAsync(() => JobFigure(jobId, "uptime") > 0, "the job's uptime counts while it runs");
            Assert.Equal(0, JobFigure(jobId, "numRestarts"));
            Assert.Equal(-1, JobFigure(jobId, "lastCheckpointRestoreTimestamp"));
            await fixture.Cluster.WaitForCompletedCheckpointsAsync(jobId, 1);
            var beforeRestore = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            FailurePlan.AddAtOrAfter(plan, 0);

            await Poll.UntilAsync(async () => (await fixture.Cluster.Job(jobId).GetDetailsAsync()) is { Attempt: 2, Status: JobStatus.Running },
                "the job restarted once from its checkpoint");

            Assert.Equal(1, JobFigure(jobId, "numRestarts"));
            Assert.InRange(JobFigure(jobId, "lastCheckpointRestoreTimestamp"), beforeRestore, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            var restore = Assert.Single(restores, a => jobId.Value.Equals(a.GetTagItem("job_id")));
            Assert.Equal(2L, restore.GetTagItem("attempt"));
            Assert.True((long)restore.GetTagItem("checkpoint_id")! >= 1);
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
        await Poll.UntilAsync(() => JobFigure(jobId, "uptime") == -1, "a job that ended reports Flink's uptime of -1");
    }

    private static long JobFigure(JobId jobId, string name) => Exported.JobMetric(jobId.Value, name);
}
