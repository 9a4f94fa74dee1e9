using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Client.Tests;

/// <summary>
/// <c>grainflow run -s</c> of a damaged savepoint exits non-zero with one line naming the file and
/// creates no job; <c>run --resume latest</c> passes over it, and <c>run</c> <c>status</c> and <c>checkpoints</c> say so.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class DamagedSnapshotCommandTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private async Task<int> JobCountAsync() => (await fixture.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count;

    private async Task<string> SavepointAsync(JobId jobId, string target)
    {
        var run = await CliRun.RunAsync(["savepoint", jobId.Value, target], fixture.Connector);
        Assert.True(run.ExitCode == 0, run.Stderr);
        const string prefix = "Savepoint completed. Path: ";
        var line = run.StdoutLines.Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return SavepointFolders.LocalPath(line[prefix.Length..]);
    }

    [Fact]
    public async Task RunFromADamagedSavepointIsAOneLineErrorAndResumeLatestFallsBackAndSaysWhatItSkipped()
    {
        var savepoints = fixture.Directory.Combine($"damaged-savepoints-{Guid.NewGuid():N}");
        var jobId = await fixture.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "2000", ["keys"] = "10", ["sink"] = "discard",
            ["execution.checkpointing.interval"] = "1 h", ["execution.checkpointing.data-inline-threshold"] = "0",
            ["execution.checkpointing.dir"] = fixture.Directory.Combine("damaged-checkpoints"),
        });
        var older = await SavepointAsync(jobId, savepoints);
        var newer = await SavepointAsync(jobId, savepoints);
        await fixture.Cluster.Job(jobId).CancelAsync();
        var file = await SnapshotDamage.ApplyAsync(new FileSystemObjectStore(newer), "", SnapshotDamageKind.TruncatedStateFile);
        var jobsBefore = await JobCountAsync();
        string[] settings = ["-D", "records=100000000", "-D", "records-per-second=1000", "-D", "sink=discard"];

        var refused = await CliRun.RunAsync(["run", KeyedCountJob.Name, "-s", newer, .. settings], fixture.Connector);

        Assert.NotEqual(0, refused.ExitCode);
        var line = Assert.Single(refused.StderrLines);
        Assert.StartsWith($"Cannot restore from '{newer}': The state file '{newer}/{file}' has ", line);
        Assert.Contains("(truncated)", line);
        Assert.Empty(refused.StdoutLines);
        Assert.Equal(jobsBefore, await JobCountAsync());

        var resumed = await CliRun.RunAsync(["run", KeyedCountJob.Name, "--resume", "latest", "-D", $"execution.checkpointing.savepoint-dir={savepoints}",
            "-D", $"execution.checkpointing.dir={fixture.Directory.Combine("nothing-here")}", .. settings], fixture.Connector);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        var resumedId = resumed.StdoutLines[0][^32..];
        try
        {
            Assert.StartsWith("State: restored job", resumed.StdoutLines[1]);
            Assert.Contains($"at {older} ", resumed.StdoutLines[1]);
            Assert.Contains($"skipped 1 damaged snapshot(s): savepoint", resumed.StdoutLines[1]);
            Assert.Contains($"'{newer}/{file}'", resumed.StdoutLines[1]);

            var status = await CliRun.RunAsync(["status", resumedId], fixture.Connector);
            Assert.True(status.ExitCode == 0, status.Stderr);
            Assert.Contains(status.StdoutLines, l => l.StartsWith("State:", StringComparison.Ordinal)
                && l.Contains("skipped 1 damaged snapshot(s): savepoint", StringComparison.Ordinal) && l.Contains($"'{newer}/{file}'", StringComparison.Ordinal));

            var checkpoints = await CliRun.RunAsync(["checkpoints", resumedId], fixture.Connector);
            Assert.True(checkpoints.ExitCode == 0, checkpoints.Stderr);
            Assert.Contains(checkpoints.StdoutLines, l => l.StartsWith("  skipped damaged savepoint", StringComparison.Ordinal) && l.Contains(newer, StringComparison.Ordinal));
        }
        finally
        {
            await fixture.Cluster.Job(JobId.Parse(resumedId)).CancelAsync();
        }
    }
}
