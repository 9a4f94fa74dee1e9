using GrainFlow.Testing.Polling;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Network;
using GrainFlow.Testing.Processes;

namespace GrainFlow.Runtime.Tests.Hosting;

/// <summary>The silo as a user starts it: the README's run command, as a separate process.</summary>
[Trait("Category", "Process")]
public sealed class SiloProcessTests : IDisposable
{
    private readonly TemporaryDirectory _workingDirectory = new("grainflow-silo");

    [Fact]
    public async Task TheReadmeRunCommandStartsASiloRunsKeyedCountAndPrintsItsCounts()
    {
        var result = await RunSiloAsync("--run", "keyed-count", "--exit-when-finished", "-D", "records=5000", "-D", "keys=5");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Matches("Job has been submitted with JobID [0-9a-f]{32}", result.Output);
        Assert.Contains("ended with status FINISHED", result.Output);
        Assert.Contains("5 keys, 5000 records counted.", result.Output);
        Assert.True(Directory.Exists(Path.Combine(_workingDirectory.Path, ".grainflow", "data", "grainstate")), "job records are stored under the working directory");
    }

    [Fact]
    public async Task TheSiloProcessRunsOnTheServerGarbageCollectorAndSaysSo()
    {
        var result = await RunSiloAsync("--run", "keyed-count", "--exit-when-finished", "-D", "records=10", "-D", "keys=1");

        Assert.True(result.ExitCode == 0, result.Output);
        // One core leaves the runtime no choice but the workstation collector.
        var expected = Environment.ProcessorCount > 1 ? "The silo runs the server, concurrent garbage collector" : "The silo runs the workstation";
        Assert.Contains(expected, result.Output);
        Assert.DoesNotContain("<ServerGarbageCollection>", result.Output);
    }

    [Fact]
    public async Task TheLineAfterARunNamesTheGatewayPortTheSiloListensOn()
    {
        await using var silo = await SiloProcess.StartAsync(_workingDirectory.Path, "--run", "keyed-count", "-D", "records=100", "-D", "keys=2");

        await RecoveryProbe.WaitUntilAsync(() => Task.FromResult(silo.Output.Contains("The silo keeps running", StringComparison.Ordinal)), "the silo printed its closing line");
        Assert.Contains($"(gateway 127.0.0.1:{silo.GatewayPort})", silo.Output);
    }

    [Fact]
    public async Task ASiloWithABadSettingExitsWithOneLineNamingTheKey()
    {
        var result = await RunSiloAsync("-D", "parallelism.default=several");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'parallelism.default'", result.Output);
        Assert.DoesNotContain("   at ", result.Output);
    }

    [Fact]
    public async Task ASecondSiloOnTheSameSiloAndGatewayPortsRefusesToStartWithOneLineNamingThem()
    {
        var siloPort = FreeLoopbackPort.Find();
        await using var first = await SiloProcess.StartAsync(_workingDirectory.Path, $"-Dgrainflow.silo.port={siloPort}");
        using var elsewhere = new TemporaryDirectory("grainflow-silo-second");

        var second = await SiloProcess.RunToExitAsync(elsewhere.Path, $"-Dgrainflow.silo.port={siloPort}", $"-Dgrainflow.gateway.port={first.GatewayPort}");

        Assert.True(second.ExitCode == 2, second.Output);
        var line = Assert.Single(second.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"The silo cannot listen on grainflow.silo.port {siloPort} and grainflow.gateway.port {first.GatewayPort} at 127.0.0.1", line);
        Assert.Contains("Give each silo on this machine its own grainflow.silo.port and grainflow.gateway.port", line);
        // The first silo is untouched and still serves.
        using var http = new HttpClient { BaseAddress = first.RestAddress };
        Assert.True((await http.GetAsync("/jobs")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task RunningAJobTheSiloDoesNotKnowStopsTheSiloWithTheListOfKnownJobs()
    {
        var result = await RunSiloAsync("--run", "nosuch-job");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("No job named 'nosuch-job' is registered in this cluster. Registered jobs: keyed-count, user-sessions, word-count.",
            Assert.Single(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
    }

    [Fact]
    public async Task AGracefulStopWithARunningJobLogsWhatItDoesWithoutErrorsOrStackTraces()
    {
        await using var silo = await SiloProcess.StartAsync(_workingDirectory.Path,
            "--run", "keyed-count", "-Drecords=100000000", "-Drecords-per-second=1000", "-Dsink=discard", "-Dexecution.checkpointing.interval=200 ms");
        using var http = new HttpClient { BaseAddress = silo.RestAddress };
        await Poll.UntilAsync(async () => (await http.GetStringAsync("/jobs/overview")).Contains("\"state\":\"RUNNING\"", StringComparison.Ordinal),
            "the job is RUNNING", detail: () => silo.Output);

        var exitCode = await silo.StopGracefullyAsync(TimeSpan.FromMinutes(1));

        var output = silo.Output;
        Assert.True(exitCode == 0, output);
        // Error and critical lines, stack frames, exception names: none belongs in the log of a normal stop.
        Assert.False(System.Text.RegularExpressions.Regex.IsMatch(output, @"fail:|crit:|Exception|(?m)^\s+at \S+\("), output);
        Assert.Matches(@"Stopping the silo: job [0-9a-f]{32} \(keyed-count\) stays RUNNING", output);
    }

    // Free ports for the silo, its gateway and its REST API, so the test never collides with a silo a developer runs on the defaults.
    private Task<(int ExitCode, string Output)> RunSiloAsync(params string[] args) => SiloProcess.RunToExitAsync(_workingDirectory.Path, args);

    public void Dispose() => _workingDirectory.Dispose();
}
