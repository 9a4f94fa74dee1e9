using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;

namespace GrainFlow.Runtime.Tests.Execution;

/// <summary>The job manager's own failover: what a reactivated job manager keeps, and the heartbeat settings it accepts.</summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class JobManagerRecoveryTests(SharedClusterFixture fixture)
{
    [Fact]
    public async Task AReactivatedJobManagerKeepsCountingFailuresAgainstTheRestartStrategy()
    {
        var plan = FailurePlan.Create([3_000]);
        var settings = new Dictionary<string, string>
        {
            ["execution.checkpointing.interval"] = "100 ms",
            ["execution.checkpointing.dir"] = fixture.Directory.Combine($"checkpoints-{Guid.NewGuid():N}"),
            ["records-per-second"] = "2000",
            ["failure-plan"] = plan,
            ["restart-strategy.type"] = "fixed-delay",
            ["restart-strategy.fixed-delay.attempts"] = "1",
            ["restart-strategy.fixed-delay.delay"] = "50 ms",
        };
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, settings, parallelism: 2);
        var probe = new RecoveryProbe(fixture.Cluster, jobId);
        try
        {
            await RecoveryProbe.WaitUntilAsync(async () => await probe.Job.GetDetailsAsync() is { Attempt: 2, Status: JobStatus.Running }, "the job restarted once");

            // As if its silo had died: the activation goes; its record stays.
            await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).DeactivateGrain(probe.Job.GetGrainId());
            Assert.Equal(JobStatus.Running, (await probe.Job.GetDetailsAsync()).Status);

            // The second failure exceeds the one restart allowed: the new activation must know the first happened.
            var offsets = (await probe.Subtask("numbers", 0).GetMetricsAsync()).SourceOffsets;
            FailurePlan.Add(plan, (offsets["split-0"] + 1_000) * 4);
            var details = await fixture.Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(1));

            Assert.Equal(JobStatus.Failed, details.Status);
            Assert.Equal(2, details.Attempt);
            Assert.Contains("Injected failure", details.Failure!.Message);
        }
        finally
        {
            await probe.Job.CancelAsync();
        }
    }

    [Theory]
    [InlineData("heartbeat.interval", "5 ms", "'heartbeat.interval'")]
    [InlineData("heartbeat.timeout", "soon", "'heartbeat.timeout'")]
    public async Task AMalformedHeartbeatSettingRejectsTheSubmissionNamingTheKey(string key, string value, string expected)
    {
        var error = await Assert.ThrowsAnyAsync<GrainFlowException>(() =>
            fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, new Dictionary<string, string> { [key] = value }));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task AHeartbeatTimeoutShorterThanTheIntervalIsRejectedNamingBothKeys()
    {
        var error = await Assert.ThrowsAsync<JobConfigurationException>(() => fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name,
            new Dictionary<string, string> { ["heartbeat.interval"] = "5 s", ["heartbeat.timeout"] = "2 s" }));
        Assert.Contains("'heartbeat.timeout' (2 s)", error.Message);
        Assert.Contains("'heartbeat.interval' (5 s)", error.Message);
    }
}
