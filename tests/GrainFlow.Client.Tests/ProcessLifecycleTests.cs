using System.Net;
using System.Text.Json.Nodes;
using GrainFlow.Client.Commands;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Processes;

namespace GrainFlow.Client.Tests;

/// <summary>The <c>grainflow</c> executable against a silo running as its own process, with the REST API of the same silo as a second view.</summary>
[Trait("Category", "Process")]
public sealed class ProcessLifecycleTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _directory = new("grainflow-cli-process");
    private SiloProcess _silo = null!;

    public async Task InitializeAsync() => _silo = await SiloProcess.StartAsync(_directory.Path);

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _directory.Dispose();
    }

    private Task<(int ExitCode, string[] Stdout, string Stderr)> GrainflowAsync(params string[] args) => GrainflowAsync(null, args);

    private Task<(int ExitCode, string[] Stdout, string Stderr)> GrainflowAsync(byte[]? stdin, params string[] args) =>
        GrainFlowCli.RunAsync(_directory.Path, _silo.GatewayPort, stdin, args);

    [Fact]
    public async Task PublishReadsTheProcessStdinAsBytesRefusingALineThatIsNotUtf8AndTailEscapesWhatIsStored()
    {
        var topic = $"process-{Guid.NewGuid():N}";
        var publish = await GrainflowAsync([.. "bell\u0007\n\nok\n"u8, 0xC3, 0x28, .. "\nnever\n"u8], "publish", topic);
        Assert.Equal(ExitCodes.Failure, publish.ExitCode);
        Assert.StartsWith("Line 4 is not valid UTF-8 (byte 0xC3", publish.Stderr);
        Assert.Contains("(2 records before it were", publish.Stderr);

        var tail = await GrainflowAsync("tail", topic);
        Assert.True(tail.ExitCode == ExitCodes.Success, tail.Stderr);
        Assert.Equal(["bell\\x07", "ok"], tail.Stdout.Select(l => l[(l.IndexOf('\t') + 1)..]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunCheckpointAndCancelAsProcessesWhileRestShowsTheSameJob()
    {
        var checkpoints = Path.Combine(_directory.Path, "checkpoints");
        var run = await GrainflowAsync("run", "keyed-count", "-D", "records=100000000", "-D", "records-per-second=1000", "-D", "sink=discard",
            "-D", "execution.checkpointing.interval=1 h", "-D", $"execution.checkpointing.dir={checkpoints}");
        Assert.True(run.ExitCode == ExitCodes.Success, run.Stderr);
        var jobId = run.Stdout[0][^32..];

        var checkpoint = await GrainflowAsync("checkpoint", jobId);
        Assert.True(checkpoint.ExitCode == ExitCodes.Success, checkpoint.Stderr);
        Assert.Equal([$"Triggering checkpoint for job {jobId}.", "Waiting for response...", $"Checkpoint(CONFIGURED) 1 for job {jobId} completed."], checkpoint.Stdout);
        Assert.True(File.Exists(Path.Combine(checkpoints, jobId, "chk-1", "_metadata")));

        using var http = new HttpClient { BaseAddress = _silo.RestAddress };
        var stats = JsonNode.Parse(await http.GetStringAsync($"/jobs/{jobId}/checkpoints"))!;
        Assert.Equal(1, stats["counts"]!["completed"]!.GetValue<int>());
        Assert.Equal(1, stats["latest"]!["completed"]!["id"]!.GetValue<long>());

        var cancel = await GrainflowAsync("cancel", jobId);
        Assert.True(cancel.ExitCode == ExitCodes.Success, cancel.Stderr);
        Assert.Equal([$"Cancelling job {jobId}.", $"Cancelled job {jobId}."], cancel.Stdout);
        var job = JsonNode.Parse(await http.GetStringAsync($"/jobs/{jobId}"))!;
        Assert.Equal("CANCELED", job["state"]!.GetValue<string>());

        var again = await http.PatchAsync($"/jobs/{jobId}?mode=cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }
}
