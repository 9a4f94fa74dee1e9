using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Processes;

namespace GrainFlow.Runtime.Tests.Hosting;

/// <summary>The silo as a user starts it: the README's run command, as a separate process.</summary>
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

    // Free ports for the silo, its gateway and its REST API, so the test never collides with a silo a developer runs on the defaults.
    private Task<(int ExitCode, string Output)> RunSiloAsync(params string[] args) => SiloProcess.RunToExitAsync(_workingDirectory.Path, args);

    public void Dispose() => _workingDirectory.Dispose();
}
