using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GrainFlow.Testing.Cluster;

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
    public async Task ASiloWithABadSettingExitsWithOneLineNamingTheKey()
    {
        var result = await RunSiloAsync("-D", "parallelism.default=several");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'parallelism.default'", result.Output);
        Assert.DoesNotContain("   at ", result.Output);
    }

    private async Task<(int ExitCode, string Output)> RunSiloAsync(params string[] args)
    {
        var siloDll = Path.Combine(AppContext.BaseDirectory, "GrainFlow.Silo.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _workingDirectory.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(siloDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Free ports, so the test never collides with a silo a developer is running on the defaults.
        start.ArgumentList.Add($"-Dgrainflow.silo.port={FreePort()}");
        start.ArgumentList.Add($"-Dgrainflow.gateway.port={FreePort()}");
        start.ArgumentList.Add("-Drest.port=0");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The silo did not exit within 2 minutes. Output:\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _workingDirectory.Dispose();
}
