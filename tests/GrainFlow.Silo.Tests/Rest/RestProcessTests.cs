using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using GrainFlow.Silo.Examples;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Processes;
using GrainFlow.Testing.Network;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>The REST API of the silo as a user starts it: a separate process, its configuration keys, its refusals.</summary>
[Trait("Category", "Process")]
public sealed class RestProcessTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new("grainflow-rest-process");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ASiloProcessServesTheApiAJarRunFinishesAndItsCountsAreOnDisk()
    {
        await using var silo = await SiloProcess.StartAsync(_directory.Path);
        using var http = new HttpClient { BaseAddress = silo.RestAddress };
        var output = Path.Combine(_directory.Path, "counts");

        using var run = await http.PostAsync($"/v1/jars/{KeyedCountJob.Name}/run", new StringContent(
            $$"""{"programArgsList": ["--records", "5000", "--keys", "5", "--output", "{{output}}"], "parallelism": 2}""", Encoding.UTF8, "application/json"));
        var body = await run.Content.ReadAsStringAsync();
        Assert.True(run.StatusCode == HttpStatusCode.OK, body);
        var jobId = JsonNode.Parse(body)!["jobid"]!.GetValue<string>();

        var deadline = DateTime.UtcNow.AddMinutes(2);
        string state;
        do
        {
            await Task.Delay(100);
            state = JsonNode.Parse(await http.GetStringAsync($"/jobs/{jobId}"))!["state"]!.GetValue<string>();
        }
        while (state is "CREATED" or "RUNNING" && DateTime.UtcNow < deadline);

        Assert.True(state == "FINISHED", $"The job ended {state}. Silo output:\n{silo.Output}");
        Assert.Equal(5000, ExampleResults.FinalCounts(output).Values.Sum());
        var overview = JsonNode.Parse(await http.GetStringAsync("/jobs/overview"))!;
        Assert.Equal(jobId, Assert.Single(overview["jobs"]!.AsArray())!["jid"]!.GetValue<string>());
        Assert.Contains($"REST API listening on http://127.0.0.1:{silo.RestPort}, without a token, any path", silo.Output);
    }

    [Fact]
    public async Task AChosenPortIsServedAndPortZeroPicksAFreeOneThatTheSiloLogs()
    {
        var chosen = FreeLoopbackPort.Find();
        await using var fixedPort = await SiloProcess.StartAsync(_directory.Path, $"-Drest.port={chosen}");
        Assert.Equal(chosen, fixedPort.RestPort);

        var second = Path.Combine(_directory.Path, "second");
        Directory.CreateDirectory(second);
        await using var anyPort = await SiloProcess.StartAsync(second);
        Assert.NotEqual(0, anyPort.RestPort);
        Assert.NotEqual(chosen, anyPort.RestPort);
        using var http = new HttpClient { BaseAddress = anyPort.RestAddress };
        Assert.Equal("""{"jobs":[]}""", await http.GetStringAsync("/jobs"));
    }

    [Fact]
    public async Task BeyondLoopbackWithoutATokenTheSiloRefusesToStartWithOneClearLine()
    {
        var (exitCode, output) = await SiloProcess.RunToExitAsync(_directory.Path, "-Drest.bind-address=0.0.0.0", $"-Drest.port={FreeLoopbackPort.Find()}");

        Assert.Equal(2, exitCode);
        Assert.Contains("without a token: set grainflow.rest.token", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task ARestPortInUseStopsTheSiloWithAMessageNamingTheKey()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;

        var (exitCode, output) = await SiloProcess.RunToExitAsync(_directory.Path, $"-Drest.port={port}");

        Assert.Equal(2, exitCode);
        Assert.Contains($"Invalid value '{port}' for configuration key 'rest.port'", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task AMalformedRestSettingIsRefusedBeforeTheSiloStarts()
    {
        var (exitCode, output) = await SiloProcess.RunToExitAsync(_directory.Path, "-Drest.bind-address=everywhere", "-Dgrainflow.rest.token=short");

        Assert.Equal(2, exitCode);
        Assert.Contains("'rest.bind-address'", output);
        Assert.Contains("'grainflow.rest.token'", output);
    }
}
