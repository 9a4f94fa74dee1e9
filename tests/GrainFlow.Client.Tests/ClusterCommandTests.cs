using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;

namespace GrainFlow.Client.Tests;

/// <summary>The CLI's commands against a running cluster: their exact lines, exit codes, and effects on storage.</summary>
[Trait("Category", "Cluster")]
public sealed class ClusterCommandTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task RunPrintsFlinksSubmissionLineAndTheJobFinishesWithExactCounts()
    {
        var output = fixture.Directory.Combine("run-output");
        var run = await CliRun.RunAsync(["run", KeyedCountJob.Name, "-p", "2", "-D", "records=2000", "-D", "keys=4", "-D", $"output={output}", "--wait"], fixture.Connector);

        Assert.Equal(0, run.ExitCode);
        var submitted = run.StdoutLines[0];
        Assert.Matches("^Job has been submitted with JobID [0-9a-f]{32}$", submitted);
        var jobId = submitted[^32..];
        Assert.Contains($"Job {jobId} finished with status FINISHED", run.Stdout);
        Assert.Equal(new Dictionary<string, long> { ["0"] = 500, ["1"] = 500, ["2"] = 500, ["3"] = 500 }.OrderBy(p => p.Key),
            ExampleResults.FinalCounts(output).OrderBy(p => p.Key));
    }

    [Fact]
    public async Task StatusShowsTheJobItsVerticesAndAFailureCause()
    {
        var jobId = await fixture.Cluster.RunToCompletionAsync(KeyedCountJob.Name, new Dictionary<string, string> { ["records"] = "10", ["sink"] = "discard" });
        var status = await CliRun.RunAsync(["status", jobId.Value], fixture.Connector);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains($"Job ID:", status.Stdout);
        Assert.Contains(jobId.Value, status.Stdout);
        Assert.Contains("FINISHED", status.Stdout);
        Assert.Contains("generator", status.Stdout);
        Assert.Contains("count", status.Stdout);

        var failing = await CliRun.RunAsync(["run", KeyedCountJob.Name, "-D", "records=10", "-D", "output=/proc/forbidden/out", "--wait"], fixture.Connector);
        Assert.NotEqual(0, failing.ExitCode);
        Assert.Contains("FAILED", failing.Stdout + failing.Stderr);
        Assert.Contains("cannot write to '/proc/forbidden/out'", failing.Stdout + failing.Stderr);
        Assert.False(CliRun.HasStackTrace(failing.Stdout + failing.Stderr));
    }

    [Fact]
    public async Task ListShowsRunningJobsInFlinksLayoutAndTerminatedOnesWithAll()
    {
        var running = await fixture.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "1000", ["sink"] = "discard",
        });
        try
        {
            var list = await CliRun.RunAsync(["list"], fixture.Connector);
            Assert.Equal(0, list.ExitCode);
            Assert.Equal("Waiting for response...", list.StdoutLines[0]);
            Assert.Contains("------------------ Running/Restarting Jobs -------------------", list.StdoutLines);
            Assert.Contains(list.StdoutLines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^\d\d\.\d\d\.\d{{4}} \d\d:\d\d:\d\d : {running} : keyed-count \(RUNNING\)$"));

            var cancel = await CliRun.RunAsync(["cancel", running.Value], fixture.Connector);
            Assert.Equal(0, cancel.ExitCode);
            Assert.Equal([$"Cancelling job {running}.", $"Cancelled job {running}."], cancel.StdoutLines);
            Assert.Equal(JobStatus.Canceled, (await fixture.Cluster.Job(running).GetDetailsAsync()).Status);

            var all = await CliRun.RunAsync(["list", "-a"], fixture.Connector);
            Assert.Contains("---------------------- Terminated Jobs -----------------------", all.StdoutLines);
            Assert.Contains(all.StdoutLines, l => l.EndsWith($" : {running} : keyed-count (CANCELED)", StringComparison.Ordinal));
        }
        finally
        {
            await fixture.Cluster.Job(running).CancelAsync();
        }
    }

    [Fact]
    public async Task CheckpointsShowsCountersLatestPathAndHistoryAndStatusSaysWhereStateCameFrom()
    {
        var jobId = await fixture.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records-per-second"] = "2000", ["records"] = "100000000", ["sink"] = "discard",
            ["execution.checkpointing.interval"] = "100 ms", ["execution.checkpointing.dir"] = fixture.Directory.Combine("checkpoints"),
        });
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await fixture.Cluster.Job(jobId).GetCheckpointStatsAsync()).Completed < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);

            var checkpoints = await CliRun.RunAsync(["checkpoints", jobId.Value], fixture.Connector);
            Assert.Equal(0, checkpoints.ExitCode);
            Assert.Matches(@"^Checkpoints: \d+ triggered, \d+ in progress, [2-9]\d* completed, 0 failed, 0 restored$", checkpoints.StdoutLines[0]);
            Assert.Matches($@"^Latest completed: \d+ at .*/{jobId}/chk-\d+/?$", checkpoints.StdoutLines[1]);
            Assert.Contains(checkpoints.StdoutLines, l => l.StartsWith("ID ", StringComparison.Ordinal) && l.Contains("ALIGNMENT"));
            Assert.Contains(checkpoints.StdoutLines, l => l.Contains("COMPLETED"));

            var status = await CliRun.RunAsync(["status", jobId.Value], fixture.Connector);
            Assert.Contains($"State:           started job {jobId} without state", status.StdoutLines);
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task AnUnknownJobIdIsOneLineAndExitCodeOne()
    {
        var unknown = JobId.New().Value;
        foreach (var verb in new[] { "status", "cancel", "checkpoints" })
        {
            var run = await CliRun.RunAsync([verb, unknown], fixture.Connector);
            Assert.Equal(1, run.ExitCode);
            Assert.Equal($"Job {unknown} not found. 'grainflow list -a' shows the jobs this cluster knows.", Assert.Single(run.StderrLines));
        }
    }

    [Fact]
    public async Task AnUnknownJobNameAndABadSettingAreOneLineErrors()
    {
        var unknown = await CliRun.RunAsync(["run", "nope"], fixture.Connector);
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("No job named 'nope' is registered in this cluster.", Assert.Single(unknown.StderrLines));

        var bad = await CliRun.RunAsync(["run", KeyedCountJob.Name, "-D", "parallelism.default=zero"], fixture.Connector);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("'parallelism.default'", Assert.Single(bad.StderrLines));
    }

    [Fact]
    public async Task PublishedLinesCanBeTailedFromAnOffsetAndAreStoredAsSegments()
    {
        var topic = $"cli-{Guid.NewGuid():N}";
        var publish = await CliRun.RunAsync(["publish", topic, "-", "--key", "k"], fixture.Connector, stdin: "alpha\nbeta\n\ngamma\n");
        Assert.Equal(0, publish.ExitCode);
        Assert.Equal($"Published 3 records to topic {topic}; skipped 1 blank line.", Assert.Single(publish.StdoutLines));

        var tail = await CliRun.RunAsync(["tail", topic, "--from", "1"], fixture.Connector);
        Assert.Equal(0, tail.ExitCode);
        var partition = tail.StdoutLines[0].Split(':')[0];
        Assert.Equal([$"{partition}:1\tkey=k\tbeta", $"{partition}:2\tkey=k\tgamma"], tail.StdoutLines);

        var segments = Directory.GetFiles(fixture.Directory.Combine("store", "topics", topic), "*.log", SearchOption.AllDirectories);
        Assert.Single(segments);
    }
}
