using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;

namespace GrainFlow.Client.Tests;

/// <summary>Items 2, 4 and D of issue 12 through <c>grainflow run</c>: refused settings exit non-zero with one line and create nothing; settings without effect print a warning.</summary>
[Trait("Category", "Cluster")]
public sealed class SubmissionValidationCommandTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Theory]
    [InlineData("the scheme 's3' is not supported", "-D", "state.checkpoints.dir=s3://my-bucket/checkpoints/")]
    [InlineData("above this cluster's limit of 128", "-p", "12345")]
    [InlineData("above this cluster's limit of 128", "-p", "200", "-D", "grainflow.submission.max-parallelism=1000")]
    [InlineData("above this cluster's limit of 128", "-D", "parallelism.default=5000")]
    [InlineData("'state.backend.rocksdb.block.cache-size': the block cache needs at least 1 mb", "-D", "state.backend.type=rocksdb", "-D", "state.backend.rocksdb.block.cache-size=10 kb")]
    [InlineData("Invalid value 'memory' for configuration key 'state.backend.type'", "-D", "state.backend.type=memory")]
    [InlineData("'state.backend.rocksdb.localdir': the directory must be an absolute local path", "-D", "state.backend.rocksdb.localdir=rocksdb-work")]
    [InlineData("has no value", "-D", "execution.checkpointing.interval=")]
    public async Task ASettingThatCannotWorkExitsNonZeroWithOneLineAndCreatesNoJob(string expected, params string[] arguments)
    {
        var jobsBefore = await JobCountAsync();

        var run = await CliRun.RunAsync(["run", KeyedCountJob.Name, .. arguments], fixture.Connector);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(expected, Assert.Single(run.StderrLines));
        Assert.False(CliRun.HasStackTrace(run.Stderr));
        Assert.Empty(run.Stdout);
        Assert.Equal(jobsBefore, await JobCountAsync());
    }

    [Fact]
    public async Task AnUnsupportedOrMisspelledSettingIsReportedAsAWarningAndTheJobRuns()
    {
        var run = await CliRun.RunAsync(["run", KeyedCountJob.Name, "-D", "records=100", "-D", "sink=discard",
            "-D", "execution.checkpointing.unaligned.enabled=true", "-D", "parallelism.defualt=2", "--wait"], fixture.Connector);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Warning: 'execution.checkpointing.unaligned.enabled' is not supported by GrainFlow yet and has no effect: checkpoints are always aligned (barriers wait for every input).", run.StderrLines);
        Assert.Contains("Warning: 'parallelism.defualt' is not a setting GrainFlow knows and has no effect; did you mean 'parallelism.default'?", run.StderrLines);
        Assert.Contains("finished with status FINISHED", run.Stdout);
    }

    [Theory]
    [InlineData("hashmap", null)]
    [InlineData("filesystem", "Warning: 'state.backend.type: filesystem' is deprecated; GrainFlow uses 'hashmap' instead, as Flink does. Set 'state.backend.type: hashmap'.")]
    [InlineData("jobmanager", "Warning: 'state.backend.type: jobmanager' is deprecated; GrainFlow uses 'hashmap' instead, as Flink does. Set 'state.backend.type: hashmap'.")]
    public async Task AKeyedJobRunsOnTheHeapBackendGivenByDashDAndALegacyNameIsReportedAsDeprecated(string backend, string? warning)
    {
        var run = await CliRun.RunAsync(["run", KeyedCountJob.Name, "-D", "records=100", "-D", "sink=discard", "-D", $"state.backend.type={backend}", "--wait"],
            fixture.Connector);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("finished with status FINISHED", run.Stdout);
        if (warning is null) Assert.Empty(run.StderrLines);
        else Assert.Equal([warning], run.StderrLines);
        var jobId = JobId.Parse(run.StdoutLines[0][^32..]);
        Assert.Equal("hashmap", (await fixture.Cluster.Job(jobId).GetConfigurationAsync())["state.backend.type"]);
    }

    private async Task<int> JobCountAsync() =>
        (await fixture.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count;
}
