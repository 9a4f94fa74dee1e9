using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Silo.Examples;

namespace GrainFlow.Runtime.Tests.Execution;

[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class JobLifecycleTests(SharedClusterFixture fixture)
{
    [Fact]
    public async Task AThrowingUserFunctionFailsTheJobWithItsExceptionInTheStatus()
    {
        var jobId = await fixture.Cluster.SubmitAsync(FailingJob.Name, new Dictionary<string, string> { ["fail-at"] = "777" }, parallelism: 2);
        var details = await fixture.Cluster.WaitForEndAsync(jobId);
        Assert.Equal(JobStatus.Failed, details.Status);
        Assert.NotNull(details.Failure);
        Assert.Equal(typeof(ArgumentOutOfRangeException).FullName, details.Failure!.ExceptionType);
        Assert.Contains($"{FailingJob.Message} 777", details.Failure.Message);
        Assert.Contains("generator", details.Failure.Origin);
        Assert.Contains(JobStatus.Failing, details.Timestamps.Keys);
    }

    [Fact]
    public async Task AFailureNoRestartCanFixFailsTheJobAtOnceWhateverTheRestartStrategyAllows()
    {
        var jobId = await fixture.Cluster.SubmitAsync(FailingJob.Name, new Dictionary<string, string>
        {
            ["fail-at"] = "300",
            ["non-recoverable"] = "true",
            ["restart-strategy.type"] = "fixed-delay",
            ["restart-strategy.fixed-delay.attempts"] = "5",
            ["restart-strategy.fixed-delay.delay"] = "10 ms",
        });
        var details = await fixture.Cluster.WaitForEndAsync(jobId);
        Assert.Equal(JobStatus.Failed, details.Status);
        Assert.Equal(1, details.Attempt);
        Assert.True(details.Failure!.NonRecoverable);
        Assert.Equal(typeof(NonRecoverableJobException).FullName, details.Failure.ExceptionType);
        Assert.DoesNotContain(JobStatus.Restarting, details.Timestamps.Keys);
    }

    [Fact]
    public async Task CancellingARunningJobStopsItsSubtasksAndEndsCanceled()
    {
        var jobId = await fixture.Cluster.SubmitAsync(UnboundedJob.Name, parallelism: 2);
        var source = fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "endless", 0));
        await WaitUntilAsync(async () => (await source.GetMetricsAsync()).SourceOffsets.Values.Sum() > 0);
        Assert.Equal(JobStatus.Running, (await fixture.Cluster.Job(jobId).GetDetailsAsync()).Status);

        Assert.Equal(JobStatus.Canceled, await fixture.Cluster.Job(jobId).CancelAsync());
        var details = await fixture.Cluster.Job(jobId).GetDetailsAsync();
        Assert.Equal(JobStatus.Canceled, details.Status);
        Assert.NotNull(details.EndTime);
        Assert.Equal(JobStatus.Canceled, await fixture.Cluster.Job(jobId).CancelAsync());
    }

    [Fact]
    public async Task AnUnknownJobIdIsReportedAsNotFound()
    {
        var unknown = JobId.New();
        var error = await Assert.ThrowsAsync<JobNotFoundException>(() => fixture.Cluster.Job(unknown).GetDetailsAsync());
        Assert.Contains(unknown.Value, error.Message);
        await Assert.ThrowsAsync<JobNotFoundException>(() => fixture.Cluster.Job(unknown).CancelAsync());
    }

    [Fact]
    public async Task AnUnknownJobNameIsRejectedListingTheRegisteredJobs()
    {
        var error = await Assert.ThrowsAsync<UnknownJobException>(() => fixture.Cluster.SubmitAsync("no-such-job"));
        Assert.Contains("'no-such-job'", error.Message);
        Assert.Contains(KeyedCountJob.Name, error.Message);
    }

    [Theory]
    [InlineData("records", "lots", "'records'")]
    [InlineData("parallelism.default", "0", "'parallelism.default'")]
    [InlineData("execution.buffer-timeout.interval", "10 fortnights", "'execution.buffer-timeout.interval'")]
    public async Task AMalformedSettingRejectsTheSubmissionNamingTheKeyAndLeavesNoJobBehind(string key, string value, string expectedInMessage)
    {
        var before = (await fixture.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count;
        var error = await Assert.ThrowsAnyAsync<GrainFlowException>(() =>
            fixture.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string> { [key] = value }));
        Assert.Contains(expectedInMessage, error.Message);
        var after = (await fixture.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task TheRegistryListsSubmittedJobsWithTheirStatus()
    {
        var jobId = await fixture.Cluster.RunToCompletionAsync(KeyedCountJob.Name, new Dictionary<string, string> { ["records"] = "10", ["sink"] = "discard" });
        var jobs = await fixture.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync();
        var summary = Assert.Single(jobs, j => j.JobId == jobId);
        Assert.Equal(JobStatus.Finished, summary.Status);
        Assert.Equal(KeyedCountJob.Name, summary.Name);
    }

    [Fact]
    public async Task SubtasksOfOneOperatorSpreadOverTheSilos()
    {
        var jobId = await fixture.Cluster.SubmitAsync(UnboundedJob.Name, parallelism: 2);
        try
        {
            var silos = new HashSet<string>();
            for (var i = 0; i < 2; i++) silos.Add((await fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "sum", i)).GetMetricsAsync()).Silo);
            Assert.Equal(2, silos.Count);
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not become true in 30 s.");
            await Task.Delay(50);
        }
    }
}
