using GrainFlow.Client.Commands;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Client.Tests;

/// <summary>
/// checkpoint, savepoint, stop, cancel -s, savepoint -d, run -s and run --resume latest against a running
/// cluster: Flink's lines, exit codes, and the folders on disk.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class LifecycleCommandTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private Task<JobId> SubmitRunningAsync(bool checkpointing = true)
    {
        var settings = new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "2000", ["keys"] = "10", ["sink"] = "discard",
            ["execution.checkpointing.dir"] = fixture.Directory.Combine("lifecycle-checkpoints"),
        };
        // An interval long enough that only the commands under test take checkpoints.
        if (checkpointing) settings["execution.checkpointing.interval"] = "1 h";
        return fixture.Cluster.SubmitAsync(KeyedCountJob.Name, settings);
    }

    private static string LocationOf(string line, string prefix)
    {
        Assert.StartsWith(prefix, line);
        return line[prefix.Length..].TrimEnd('.');
    }

    [Fact]
    public async Task CheckpointTriggersOneNowWaitsForItAndPrintsFlinksLine()
    {
        var jobId = await SubmitRunningAsync();
        try
        {
            var run = await CliRun.RunAsync(["checkpoint", jobId.Value], fixture.Connector);

            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Equal($"Triggering checkpoint for job {jobId}.", run.StdoutLines[0]);
            Assert.Equal("Waiting for response...", run.StdoutLines[1]);
            var last = run.StdoutLines[^1];
            Assert.Matches($@"^Checkpoint\(CONFIGURED\) \d+ for job {jobId} completed\.$", last);
            var id = long.Parse(last.Split(' ')[1]);
            var stats = await fixture.Cluster.Job(jobId).GetCheckpointStatsAsync();
            Assert.Equal(id, stats.LatestCompleted!.Id);
            Assert.True(File.Exists(Path.Combine(stats.LatestCompleted.ExternalPath!, "_metadata")));

            var full = await CliRun.RunAsync(["checkpoint", jobId.Value, "--full"], fixture.Connector);
            Assert.Equal($"Checkpoint(FULL) {id + 1} for job {jobId} completed.", full.StdoutLines[^1]);
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task CheckpointOfAJobWithoutCheckpointingAndSavepointOfAnEndedJobAreOneLineErrors()
    {
        var jobId = await SubmitRunningAsync(checkpointing: false);
        try
        {
            var checkpoint = await CliRun.RunAsync(["checkpoint", jobId.Value], fixture.Connector);
            Assert.Equal(ExitCodes.Failure, checkpoint.ExitCode);
            Assert.Contains("execution.checkpointing.interval", Assert.Single(checkpoint.StderrLines));
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }

        var target = fixture.Directory.Combine("never-written");
        var savepoint = await CliRun.RunAsync(["savepoint", jobId.Value, target], fixture.Connector);
        Assert.Equal(ExitCodes.Failure, savepoint.ExitCode);
        Assert.Equal($"Triggering savepoint for job {jobId}.", savepoint.StdoutLines[0]);
        Assert.StartsWith($"Triggering a savepoint for the job {jobId} failed: ", Assert.Single(savepoint.StderrLines));
        Assert.False(CliRun.HasStackTrace(savepoint.Stderr));
        Assert.False(Directory.Exists(target));

        var unknown = JobId.New();
        foreach (var verb in new[] { "savepoint", "stop", "checkpoint" })
        {
            var run = await CliRun.RunAsync([verb, unknown.Value], fixture.Connector);
            Assert.Equal(ExitCodes.Failure, run.ExitCode);
            Assert.Equal($"Job {unknown} not found. 'grainflow list -a' shows the jobs this cluster knows.", Assert.Single(run.StderrLines));
        }
    }

    [Fact]
    public async Task SavepointPrintsFlinksLinesAndWritesTheFolderWhileTheJobKeepsRunning()
    {
        var target = fixture.Directory.Combine("cli-savepoints");
        var jobId = await SubmitRunningAsync();
        try
        {
            var run = await CliRun.RunAsync(["savepoint", jobId.Value, target, "--type", "canonical"], fixture.Connector);

            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Equal($"Triggering savepoint for job {jobId}.", run.StdoutLines[0]);
            Assert.Equal("Waiting for response...", run.StdoutLines[1]);
            Assert.Equal("You can resume your program from this savepoint with the run command.", run.StdoutLines[^1]);
            SavepointFolders.AssertIsSavepointOf(LocationOf(run.StdoutLines[^2], "Savepoint completed. Path: "), target, jobId);
            Assert.Equal(JobStatus.Running, (await fixture.Cluster.Job(jobId).GetDetailsAsync()).Status);

            var detached = await CliRun.RunAsync(["savepoint", jobId.Value, target, "-type", "native", "-detached"], fixture.Connector);
            Assert.True(detached.ExitCode == 0, detached.Stderr);
            Assert.Equal($"Triggering savepoint in detached mode for job {jobId}.", detached.StdoutLines[0]);
            var triggerId = LocationOf(detached.StdoutLines[1], "Successfully trigger manual savepoint, triggerId: ");
            var location = await SavepointWaiter.WaitAsync(fixture.Cluster.Job(jobId), triggerId, TextWriter.Null, "savepoint", CancellationToken.None);
            SavepointFolders.AssertIsSavepointOf(location, target, jobId);
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task StopSuspendsWithASavepointAndTheJobFinishes()
    {
        var target = fixture.Directory.Combine("cli-stop");
        var jobId = await SubmitRunningAsync();

        var run = await CliRun.RunAsync(["stop", jobId.Value, "-p", target], fixture.Connector);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal($"Suspending job \"{jobId}\" with a savepoint.", run.StdoutLines[0]);
        SavepointFolders.AssertIsSavepointOf(LocationOf(run.StdoutLines[^1], "Savepoint completed. Path: "), target, jobId);
        Assert.Equal(JobStatus.Finished, (await fixture.Cluster.WaitForEndAsync(jobId)).Status);

        var drained = await SubmitRunningAsync();
        var drain = await CliRun.RunAsync(["stop", "--drain", "-p", target, drained.Value], fixture.Connector);
        Assert.True(drain.ExitCode == 0, drain.Stderr);
        Assert.Equal($"Draining job \"{drained}\" with a savepoint.", drain.StdoutLines[0]);
        Assert.Equal(JobStatus.Finished, (await fixture.Cluster.WaitForEndAsync(drained)).Status);
    }

    [Fact]
    public async Task CancelWithSavepointWarnsTakesTheSavepointAndCancels()
    {
        var target = fixture.Directory.Combine("cli-cancel");
        var jobId = await SubmitRunningAsync();

        var run = await CliRun.RunAsync(["cancel", "-s", target, jobId.Value], fixture.Connector);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(CancelCommand.DeprecationWarning, run.StdoutLines[0]);
        Assert.Equal($"Cancelling job {jobId} with CANONICAL savepoint to {target}.", run.StdoutLines[1]);
        var last = run.StdoutLines[^1];
        Assert.StartsWith($"Cancelled job {jobId}. Savepoint stored in ", last);
        SavepointFolders.AssertIsSavepointOf(LocationOf(last, $"Cancelled job {jobId}. Savepoint stored in "), target, jobId);
        Assert.Equal(JobStatus.Canceled, (await fixture.Cluster.WaitForEndAsync(jobId)).Status);
    }

    [Fact]
    public async Task CancelDashSWithoutADirectoryUsesTheJobsSavepointDirAndStopDetachedPrintsTheTriggerId()
    {
        var savepointDir = fixture.Directory.Combine("default-savepoints");
        var first = await fixture.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "2000", ["sink"] = "discard",
            ["execution.checkpointing.savepoint-dir"] = savepointDir,
        });

        // -s takes no value here: the parser hands the job id to -s, and the command gives it back.
        var cancel = await CliRun.RunAsync(["cancel", "-s", first.Value], fixture.Connector);
        Assert.True(cancel.ExitCode == 0, cancel.Stderr);
        Assert.Equal($"Cancelling job {first} with CANONICAL savepoint to default savepoint directory.", cancel.StdoutLines[1]);
        SavepointFolders.AssertIsSavepointOf(LocationOf(cancel.StdoutLines[^1], $"Cancelled job {first}. Savepoint stored in "), savepointDir, first);

        var second = await fixture.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "2000", ["sink"] = "discard",
            ["execution.checkpointing.savepoint-dir"] = savepointDir,
        });
        var stop = await CliRun.RunAsync(["stop", "-p", second.Value, "--detached"], fixture.Connector);
        Assert.True(stop.ExitCode == 0, stop.Stderr);
        var triggerId = LocationOf(stop.StdoutLines[^1], "Successfully trigger stop with savepoint, triggerId: ");
        var location = await SavepointWaiter.WaitAsync(fixture.Cluster.Job(second), triggerId, TextWriter.Null, "stop", CancellationToken.None);
        SavepointFolders.AssertIsSavepointOf(location, savepointDir, second);
        Assert.Equal(JobStatus.Finished, (await fixture.Cluster.WaitForEndAsync(second)).Status);
    }

    [Fact]
    public async Task RunFromASavepointSaysWhereTheStateCameFromAndDisposeDeletesItButNotAForeignFileInItsFolder()
    {
        var target = fixture.Directory.Combine("cli-restore");
        var jobId = await SubmitRunningAsync();
        var stop = await CliRun.RunAsync(["stop", jobId.Value, "-p", target], fixture.Connector);
        Assert.True(stop.ExitCode == 0, stop.Stderr);
        var location = LocationOf(stop.StdoutLines[^1], "Savepoint completed. Path: ");

        var run = await CliRun.RunAsync(["run", KeyedCountJob.Name, "-s", location, "-n", "--claimMode", "NO_CLAIM",
            "-D", "records=100000000", "-D", "records-per-second=1000", "-D", "sink=discard"], fixture.Connector);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var restored = JobId.Parse(run.StdoutLines[0][^32..]);
        try
        {
            Assert.StartsWith("State: ", run.StdoutLines[1]);
            Assert.Contains(new DirectoryInfo(location.TrimEnd('/')).Name, run.StdoutLines[1]);
        }
        finally
        {
            await fixture.Cluster.Job(restored).CancelAsync();
        }

        var copy = SavepointFolders.Copy(location, fixture.Directory.Combine($"cli-restore-copy-{Guid.NewGuid():N}"));
        var foreign = SavepointFolders.PlaceForeignFile(copy);
        foreach (var path in new[] { location, copy })
        {
            var dispose = await CliRun.RunAsync(["savepoint", "-d", path], fixture.Connector);
            Assert.True(dispose.ExitCode == 0, dispose.Stderr);
            Assert.Equal([$"Disposing savepoint '{path}'.", "Waiting for response...", $"Savepoint '{path}' disposed."], dispose.StdoutLines);
        }
        SavepointFolders.AssertDisposed(location);
        SavepointFolders.AssertOnlyForeignFileLeft(copy, foreign);
    }

    /// <summary>
    /// The README's walk-through: keyed-count with its default file sink runs, <c>savepoint</c> takes a
    /// savepoint holding output the sink pre-committed, the job is cancelled (so only that savepoint can
    /// commit it), and <c>run -s</c> starts a new job from it. Checkpoints come only from the commands.
    /// </summary>
    private async Task<(JobId Job, string Savepoint)> SavepointOfRunningKeyedCountAsync(string[] settings)
    {
        var first = await CliRun.RunAsync(["run", KeyedCountJob.Name, "-D", "records-per-second=100", .. settings], fixture.Connector);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var jobId = JobId.Parse(first.StdoutLines[0][^32..]);
        await fixture.Cluster.WaitForRecordsAsync(jobId, "count", 1, 100);
        var savepoint = await CliRun.RunAsync(["savepoint", jobId.Value, fixture.Directory.Combine("cli-walk-through")], fixture.Connector);
        Assert.True(savepoint.ExitCode == 0, savepoint.Stderr);
        await fixture.Cluster.Job(jobId).CancelAsync();
        return (jobId, LocationOf(savepoint.StdoutLines[^2], "Savepoint completed. Path: "));
    }

    [Fact]
    public async Task RunDashSOfKeyedCountCommitsTheOutputTheSavepointPreCommittedInTheOldJobsDirectoryAndFinishes()
    {
        string[] settings = ["-D", "records=20000", "-D", "keys=10", "-D", "execution.checkpointing.interval=1 h"];
        var (oldJob, location) = await SavepointOfRunningKeyedCountAsync(settings);
        var oldOutput = ExampleSinks.DefaultOutputDirectory(oldJob.Value);
        JobId? restored = null;
        try
        {
            Assert.Empty(Directory.GetFiles(oldOutput, "part-*.jsonl"));

            var run = await CliRun.RunAsync(["run", KeyedCountJob.Name, "-s", location, "-D", "records-per-second=20000", .. settings], fixture.Connector);
            Assert.True(run.ExitCode == 0, run.Stderr);
            restored = JobId.Parse(run.StdoutLines[0][^32..]);
            var details = await fixture.Cluster.WaitForEndAsync(restored.Value, TimeSpan.FromMinutes(1));

            Assert.True(details.Status == JobStatus.Finished && details.Attempt == 1,
                $"{details.Status} after {details.Attempt} attempt(s): {details.Failure?.Message}");
            // The savepoint's transaction is the old job's output: committed where the old job staged it.
            Assert.NotEmpty(ExampleResults.FinalCounts(oldOutput));
            // The new job counted on from the savepoint's state to every record, in its own directory.
            Assert.Equal(Enumerable.Range(0, 10).ToDictionary(k => k.ToString(), _ => 2000L),
                ExampleResults.FinalCounts(ExampleSinks.DefaultOutputDirectory(restored.Value.Value)));
        }
        finally
        {
            Directory.Delete(oldOutput, recursive: true);
            if (restored is { } job)
            {
                await fixture.Cluster.Job(job).CancelAsync();
                var newOutput = ExampleSinks.DefaultOutputDirectory(job.Value);
                if (Directory.Exists(newOutput)) Directory.Delete(newOutput, recursive: true);
            }
        }
    }

    [Fact]
    public async Task RunDashSOfASavepointWhoseSinkOutputIsGoneFailsAtOnceWithTheCauseInsteadOfRestarting()
    {
        var output = fixture.Directory.Combine($"lost-output-{Guid.NewGuid():N}");
        string[] settings = ["-D", "records=20000", "-D", "keys=10", "-D", $"output={output}", "-D", "execution.checkpointing.interval=1 h"];
        var (_, location) = await SavepointOfRunningKeyedCountAsync(settings);
        Directory.Delete(output, recursive: true);

        var run = await CliRun.RunAsync(["run", KeyedCountJob.Name, "-s", location, "--wait",
            "-D", "restart-strategy.type=fixed-delay", "-D", "restart-strategy.fixed-delay.attempts=3", "-D", "restart-strategy.fixed-delay.delay=100 ms", .. settings],
            fixture.Connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        var restored = JobId.Parse(run.StdoutLines[0][^32..]);
        Assert.Equal($"Job {restored} finished with status FAILED", run.StdoutLines[^1]);
        var cause = Assert.Single(run.StderrLines);
        Assert.StartsWith("Cause: GrainFlow.Errors.NonRecoverableJobException: ", cause);
        Assert.Contains("neither the staged nor the committed file exists", cause);
        Assert.Contains(output, cause);
        Assert.Equal(1, (await fixture.Cluster.Job(restored).GetDetailsAsync()).Attempt);
    }

    [Fact]
    public async Task RunWithResumeLatestStartsFreshWithoutSnapshotsAndOtherwiseRestoresTheNewest()
    {
        // word-count runs nowhere else in this class's cluster, so its snapshots are this test's.
        var checkpoints = fixture.Directory.Combine("resume-checkpoints");
        var savepoints = fixture.Directory.Combine("resume-savepoints");
        string[] settings = ["-D", $"topic=resume-{Guid.NewGuid():N}", "-D", "bounded=false", "-D", "sink=discard",
            "-D", "execution.checkpointing.interval=1 h", "-D", $"execution.checkpointing.dir={checkpoints}", "-D", $"execution.checkpointing.savepoint-dir={savepoints}"];

        var fresh = await CliRun.RunAsync(["run", WordCountJob.Name, "--resume", "latest", .. settings], fixture.Connector);
        Assert.True(fresh.ExitCode == 0, fresh.Stderr);
        Assert.StartsWith("State: ", fresh.StdoutLines[1]);
        Assert.DoesNotContain("savepoint-", fresh.StdoutLines[1]);
        var first = fresh.StdoutLines[0][^32..];
        var stop = await CliRun.RunAsync(["stop", first], fixture.Connector);
        Assert.True(stop.ExitCode == 0, stop.Stderr);
        var location = LocationOf(stop.StdoutLines[^1], "Savepoint completed. Path: ");
        SavepointFolders.AssertIsSavepointOf(location, savepoints, JobId.Parse(first));

        var resumed = await CliRun.RunAsync(["run", WordCountJob.Name, "--resume", "latest", .. settings], fixture.Connector);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        try
        {
            Assert.Contains(new DirectoryInfo(location.TrimEnd('/')).Name, resumed.StdoutLines[1]);
        }
        finally
        {
            await fixture.Cluster.Job(JobId.Parse(resumed.StdoutLines[0][^32..])).CancelAsync();
        }
    }
}
