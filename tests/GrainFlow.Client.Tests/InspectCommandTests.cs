using System.Text.Json;
using GrainFlow.Client.Commands;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Testing.Jobs;

namespace GrainFlow.Client.Tests;

/// <summary>
/// <c>grainflow inspect</c> on savepoints the CLI took of a running job whose keyed state holds a record:
/// the summary lines, the dump's JSON lines (canonical; native with and without the job's assembly, internal
/// timers on request), what a dump says it could not decode, bad paths; and the dump of the keyed-count
/// example's checkpoint and native savepoint.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class InspectCommandTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const int Keys = 12;
    private const int Parallelism = 2;

    private async Task<string> SavepointAsync(JobId jobId, string type)
    {
        var run = await CliRun.RunAsync(["savepoint", jobId.Value, fixture.Directory.Combine("inspect-savepoints"), "--type", type], fixture.Connector);
        Assert.True(run.ExitCode == 0, run.Stderr);
        const string prefix = "Savepoint completed. Path: ";
        Assert.StartsWith(prefix, run.StdoutLines[^2]);
        return run.StdoutLines[^2][prefix.Length..].TrimEnd('.');
    }

    private async Task<(JobId JobId, string Canonical, string Native)> SavepointsOfARunningJobAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "2000", ["keys"] = Keys.ToString(),
            ["execution.checkpointing.interval"] = "1 h",
        };
        var jobId = await fixture.Cluster.SubmitAsync(KeyedSummaryJob.Name, settings, Parallelism);
        try
        {
            // Let every key get state before the savepoints.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await fixture.Cluster.Job(jobId).GetDetailsAsync()).Status != JobStatus.Running && DateTime.UtcNow < deadline) await Task.Delay(50);
            await Task.Delay(1_000);
            return (jobId, await SavepointAsync(jobId, "canonical"), await SavepointAsync(jobId, "native"));
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
    }

    /// <summary>The dump's lines by state: key → value; every line has exactly the four fields.</summary>
    private static (Dictionary<long, JsonElement> Summaries, Dictionary<long, JsonElement> Residues, Dictionary<long, JsonElement> Timers) ParseDump(IEnumerable<string> lines)
    {
        var (summaries, residues, timers) = (new Dictionary<long, JsonElement>(), new Dictionary<long, JsonElement>(), new Dictionary<long, JsonElement>());
        foreach (var line in lines)
        {
            using var document = JsonDocument.Parse(line);
            var entry = document.RootElement;
            Assert.Equal(["keyGroup", "state", "key", "value"], entry.EnumerateObject().Select(p => p.Name));
            var target = entry.GetProperty("state").GetString() switch
            {
                KeyedSummaryJob.SummaryState => summaries,
                KeyedSummaryJob.ResiduesState => residues,
                "_timers" => timers,
                var other => throw new Xunit.Sdk.XunitException($"unexpected state {other}"),
            };
            Assert.True(target.TryAdd(entry.GetProperty("key").GetInt64(), entry.GetProperty("value").Clone()), line);
        }
        return (summaries, residues, timers);
    }

    /// <summary>Every key's record, as JSON of its own fields: its count is what the key's residue counts add up to.</summary>
    private static void AssertSummaries(Dictionary<long, JsonElement> summaries, Dictionary<long, JsonElement> residues)
    {
        Assert.Equal(Enumerable.Range(0, Keys).Select(k => (long)k), summaries.Keys.Order());
        foreach (var (key, value) in summaries)
        {
            Assert.Equal($"key-{key}", value.GetProperty("Label").GetString());
            Assert.Equal(value.GetProperty("Count").GetInt64(), residues[key].EnumerateObject().Sum(r => r.Value.GetInt64()));
            Assert.True(value.GetProperty("Sum").GetInt64() >= 0);
        }
    }

    [Fact]
    public async Task InspectPrintsTheJobTheFormatAndPerOperatorTheKeyGroupsStatesCodecsAndOffsetsAndDumpsWhatItCanDecodeAsJsonLines()
    {
        var (jobId, canonical, native) = await SavepointsOfARunningJobAsync();

        var inspect = await CliRun.RunAsync(["inspect", canonical]);
        Assert.True(inspect.ExitCode == 0, inspect.Stderr);
        var lines = inspect.StdoutLines;
        Assert.Equal($"Job: {KeyedSummaryJob.Name} ({jobId})", lines[0]);
        Assert.Matches(@"^Checkpoint: \d+$", lines[1]);
        Assert.Equal("Kind: savepoint", lines[2]);
        Assert.Equal("Format: canonical", lines[3]);
        Assert.Matches(@"^Max parallelism: \d+$", lines[4]);
        var summary = Array.FindIndex(lines, l => l.StartsWith($"Operator {KeyedSummaryJob.OperatorUid} ", StringComparison.Ordinal));
        Assert.True(summary > 0, inspect.Stdout);
        Assert.Matches($@"^Operator {KeyedSummaryJob.OperatorUid} \(vertex .+, parallelism {Parallelism}\)$", lines[summary]);
        Assert.Matches(@"^  Subtask 0: key groups 0-\d+, keyed state \d+ bytes \(.+\)$", lines[summary + 1]);
        Assert.Contains($"    State {KeyedSummaryJob.SummaryState}: key codec long, value codec json:v1:{typeof(KeySummary).FullName}", lines);
        Assert.Contains(lines, l => l.StartsWith($"    State {KeyedSummaryJob.ResiduesState}: key codec long, value codec json:v1:System.Collections.Immutable.ImmutableDictionary`2", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("    Source offsets: ", StringComparison.Ordinal));
        Assert.Contains("Operator numbers", string.Join('\n', lines));

        var dump = await CliRun.RunAsync(["inspect", Path.Combine(canonical, "_metadata"), "--dump", KeyedSummaryJob.OperatorUid]);
        Assert.True(dump.ExitCode == 0, dump.Stderr);
        Assert.Empty(dump.Stderr);
        var (summaries, residues, timers) = ParseDump(dump.StdoutLines);
        AssertSummaries(summaries, residues);
        Assert.Empty(timers);

        var nativeInspect = await CliRun.RunAsync(["inspect", native]);
        Assert.True(nativeInspect.ExitCode == 0, nativeInspect.Stderr);
        Assert.Contains("Format: native", nativeInspect.StdoutLines);
        Assert.Contains($"    State {KeyedSummaryJob.SummaryState}: key codec long, value codec orleans:{typeof(KeySummary).FullName}", nativeInspect.StdoutLines);

        // Without the job's assembly: the residues (a .NET dictionary) are dumped, the job's record is named as not decoded.
        var nativeDump = await CliRun.RunAsync(["inspect", native, "--dump", KeyedSummaryJob.OperatorUid]);
        Assert.Equal(ExitCodes.Failure, nativeDump.ExitCode);
        var (nativeSummaries, nativeResidues, _) = ParseDump(nativeDump.StdoutLines);
        Assert.Empty(nativeSummaries);
        Assert.Equal(Enumerable.Range(0, Keys).Select(k => (long)k), nativeResidues.Keys.Order());
        Assert.Equal(
            $"Not dumped: state '{KeyedSummaryJob.SummaryState}' of operator '{KeyedSummaryJob.OperatorUid}', codec 'orleans:{typeof(KeySummary).FullName}': "
            + $"its type {typeof(KeySummary).FullName} is not known here: pass the job's assembly with --job-assembly <path to the dll>, "
            + "or take a canonical savepoint (grainflow savepoint <jobId> --type canonical) and inspect that.", Assert.Single(nativeDump.StderrLines));

        // With it, everything, and with --internal the timers as well.
        var withAssembly = await CliRun.RunAsync(["inspect", native, "--dump", KeyedSummaryJob.OperatorUid, "--internal", "--job-assembly", typeof(KeySummary).Assembly.Location]);
        Assert.True(withAssembly.ExitCode == 0, withAssembly.Stderr);
        Assert.Empty(withAssembly.Stderr);
        (nativeSummaries, nativeResidues, timers) = ParseDump(withAssembly.StdoutLines);
        AssertSummaries(nativeSummaries, nativeResidues);
        Assert.Equal(Enumerable.Range(0, Keys).Select(k => (long)k), timers.Keys.Order());
        Assert.All(timers.Values, times => Assert.Equal([KeyedSummaryJob.DistantTimer], times.EnumerateArray().Select(t => t.GetInt64())));

        var badAssembly = await CliRun.RunAsync(["inspect", native, "--dump", KeyedSummaryJob.OperatorUid, "--job-assembly", fixture.Directory.Combine("no-such.dll")]);
        Assert.Equal(ExitCodes.Failure, badAssembly.ExitCode);
        Assert.Empty(badAssembly.Stdout);
        Assert.StartsWith($"Cannot load the job assembly '{fixture.Directory.Combine("no-such.dll")}': ", Assert.Single(badAssembly.StderrLines));

        var unknown = await CliRun.RunAsync(["inspect", canonical, "--dump", "no-such-operator"]);
        Assert.Equal(ExitCodes.Failure, unknown.ExitCode);
        Assert.Contains("has no state of operator 'no-such-operator'", Assert.Single(unknown.StderrLines));
    }

    [Fact]
    public async Task DumpOfACheckpointAndOfANativeSavepointOfTheKeyedCountJobWritesEveryKeysCountAndLeavesOutTheInternalTimers()
    {
        const int countKeys = 10;
        var checkpoints = fixture.Directory.Combine($"inspect-checkpoints-{Guid.NewGuid():N}");
        var jobId = await fixture.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "2000", ["keys"] = countKeys.ToString(), ["sink"] = "discard",
            ["execution.checkpointing.interval"] = "1 h", ["execution.checkpointing.dir"] = checkpoints,
            ["execution.checkpointing.externalized-checkpoint-retention"] = "RETAIN_ON_CANCELLATION",
        }, Parallelism);
        string native;
        try
        {
            await fixture.Cluster.WaitForRecordsAsync(jobId, "count", Parallelism, 200);
            var checkpoint = await CliRun.RunAsync(["checkpoint", jobId.Value], fixture.Connector);
            Assert.True(checkpoint.ExitCode == 0, checkpoint.Stderr);
            native = await SavepointAsync(jobId, "native");
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
        var retained = Directory.GetDirectories(Path.Combine(checkpoints, jobId.Value), "chk-*").Single();

        foreach (var path in new[] { retained, native })
        {
            var dump = await CliRun.RunAsync(["inspect", path, "--dump", "count"]);
            Assert.True(dump.ExitCode == 0, dump.Stderr);
            Assert.Empty(dump.Stderr);
            var counts = new Dictionary<long, long>();
            foreach (var line in dump.StdoutLines)
            {
                using var entry = JsonDocument.Parse(line);
                Assert.Equal(KeyedCountJob.CountPerKey.StateName, entry.RootElement.GetProperty("state").GetString());
                Assert.True(counts.TryAdd(entry.RootElement.GetProperty("key").GetInt64(), entry.RootElement.GetProperty("value").GetInt64()), line);
            }
            Assert.Equal(Enumerable.Range(0, countKeys).Select(k => (long)k), counts.Keys.Order());
            Assert.All(counts.Values, count => Assert.True(count > 0));
        }
    }

    [Fact]
    public async Task InspectOfAPathWithoutASnapshotIsAOneLineErrorWithExitCodeOne()
    {
        var missing = fixture.Directory.Combine($"nothing-{Guid.NewGuid():N}");
        var run = await CliRun.RunAsync(["inspect", missing]);
        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal($"Cannot find checkpoint or savepoint file/directory '{missing}' on file system 'file'.", Assert.Single(run.StderrLines));
        Assert.False(CliRun.HasStackTrace(run.Stderr));

        var noPath = await CliRun.RunAsync(["inspect"]);
        Assert.Equal(ExitCodes.Failure, noPath.ExitCode);
        Assert.Equal(InspectCommand.MissingPath, Assert.Single(noPath.StderrLines));
    }
}
