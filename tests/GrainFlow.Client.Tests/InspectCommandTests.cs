using System.Text.Json;
using GrainFlow.Client.Commands;
using GrainFlow.Jobs;
using GrainFlow.Testing.Jobs;

namespace GrainFlow.Client.Tests;

/// <summary>
/// <c>grainflow inspect</c> on savepoints the CLI took of a running job whose keyed state holds a record:
/// the summary lines, the canonical dump's JSON lines, the refusal to dump native state, bad paths.
/// </summary>
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

    [Fact]
    public async Task InspectPrintsTheJobTheFormatAndPerOperatorTheKeyGroupsStatesCodecsAndOffsetsAndDumpsCanonicalStateAsJsonLines()
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
        var summaries = new Dictionary<long, JsonElement>();
        var residues = new Dictionary<long, JsonElement>();
        foreach (var line in dump.StdoutLines)
        {
            using var document = JsonDocument.Parse(line);
            var entry = document.RootElement;
            Assert.Equal(["keyGroup", "state", "key", "value"], entry.EnumerateObject().Select(p => p.Name));
            var target = entry.GetProperty("state").GetString() switch
            {
                KeyedSummaryJob.SummaryState => summaries,
                KeyedSummaryJob.ResiduesState => residues,
                var other => throw new Xunit.Sdk.XunitException($"unexpected state {other}"),
            };
            Assert.True(target.TryAdd(entry.GetProperty("key").GetInt64(), entry.GetProperty("value").Clone()), line);
        }
        Assert.Equal(Enumerable.Range(0, Keys).Select(k => (long)k), summaries.Keys.Order());
        foreach (var (key, value) in summaries)
        {
            // The record's own fields, as JSON: its count is what the key's residue counts add up to.
            Assert.Equal($"key-{key}", value.GetProperty("Label").GetString());
            var counted = residues[key].EnumerateObject().Sum(r => r.Value.GetInt64());
            Assert.Equal(value.GetProperty("Count").GetInt64(), counted);
            Assert.True(value.GetProperty("Sum").GetInt64() >= 0);
        }

        var nativeInspect = await CliRun.RunAsync(["inspect", native]);
        Assert.True(nativeInspect.ExitCode == 0, nativeInspect.Stderr);
        Assert.Contains("Format: native", nativeInspect.StdoutLines);
        Assert.Contains($"    State {KeyedSummaryJob.SummaryState}: key codec long, value codec orleans:{typeof(KeySummary).FullName}", nativeInspect.StdoutLines);

        var nativeDump = await CliRun.RunAsync(["inspect", native, "--dump", KeyedSummaryJob.OperatorUid]);
        Assert.Equal(ExitCodes.Failure, nativeDump.ExitCode);
        Assert.Empty(nativeDump.Stdout);
        var error = Assert.Single(nativeDump.StderrLines);
        Assert.StartsWith($"Cannot dump '{KeyedSummaryJob.OperatorUid}' of '{native}': State '", error);
        Assert.Contains("was written with codec 'orleans:", error);
        Assert.Contains("grainflow savepoint <jobId> --type canonical", error);

        var unknown = await CliRun.RunAsync(["inspect", canonical, "--dump", "no-such-operator"]);
        Assert.Equal(ExitCodes.Failure, unknown.ExitCode);
        Assert.Contains("has no state of operator 'no-such-operator'", Assert.Single(unknown.StderrLines));
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
