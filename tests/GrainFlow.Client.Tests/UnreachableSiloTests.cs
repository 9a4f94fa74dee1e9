using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GrainFlow.Client.Commands;
using GrainFlow.Testing.Network;
using GrainFlow.Testing.Processes;

namespace GrainFlow.Client.Tests;

/// <summary>Without a silo, every command that needs one fails fast with exit code 2 and one line that says what to do.</summary>
[Trait("Category", "Process")]
public sealed class UnreachableSiloTests
{
    private static readonly TimeSpan InProcessBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProcessBound = TimeSpan.FromSeconds(20);

    private static void AssertOneUnreachableLine(string stderr, int port)
    {
        var line = Assert.Single(CliRun.Lines(stderr));
        Assert.StartsWith($"Could not connect to a GrainFlow silo at 127.0.0.1:{port} (", line);
        Assert.EndsWith("). Is a silo running? Start one with: dotnet run --project src/Silo/GrainFlow.Silo", line);
    }

    [Fact]
    public async Task List_against_a_port_where_nothing_listens_exits_2_with_one_line_within_bounded_time()
    {
        var port = FreeLoopbackPort.Find();

        var run = await CliRun.RunAsync(["list", "--gateway", $"127.0.0.1:{port}"]);

        Assert.Equal(ExitCodes.ClusterUnreachable, run.ExitCode);
        AssertOneUnreachableLine(run.Stderr, port);
        Assert.Empty(run.Stdout);
        Assert.True(run.Elapsed < InProcessBound, $"took {run.Elapsed}");
    }

    [Fact]
    public async Task Gateway_comes_from_GRAINFLOW_GATEWAY_when_no_option_is_given()
    {
        var port = FreeLoopbackPort.Find();

        var run = await CliRun.RunAsync(
            ["status", "0123456789abcdef0123456789abcdef"],
            environment: new Dictionary<string, string> { ["GRAINFLOW_GATEWAY"] = $"127.0.0.1:{port}" });

        Assert.Equal(ExitCodes.ClusterUnreachable, run.ExitCode);
        AssertOneUnreachableLine(run.Stderr, port);
    }

    [Fact]
    public async Task Cancel_prints_Flinks_first_line_then_fails_with_exit_code_2()
    {
        var port = FreeLoopbackPort.Find();

        var run = await CliRun.RunAsync(["cancel", "0123456789abcdef0123456789abcdef", "--gateway", $"127.0.0.1:{port}"]);

        Assert.Equal(ExitCodes.ClusterUnreachable, run.ExitCode);
        Assert.Equal(["Cancelling job 0123456789abcdef0123456789abcdef."], run.StdoutLines);
        AssertOneUnreachableLine(run.Stderr, port);
    }

    [Fact]
    public async Task Publish_from_stdin_without_a_silo_exits_2()
    {
        var port = FreeLoopbackPort.Find();

        var run = await CliRun.RunAsync(["--gateway", $"127.0.0.1:{port}", "publish", "events"], stdin: "a\nb\n");

        Assert.Equal(ExitCodes.ClusterUnreachable, run.ExitCode);
        AssertOneUnreachableLine(run.Stderr, port);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task A_port_that_accepts_but_never_answers_like_a_silo_fails_within_the_connect_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var held = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true) held.Add(await listener.AcceptSocketAsync(stop.Token));
            }
            catch (OperationCanceledException)
            {
                // The test is over.
            }
        });

        try
        {
            var run = await CliRun.RunAsync(["list", "--gateway", $"127.0.0.1:{port}"]);

            Assert.Equal(ExitCodes.ClusterUnreachable, run.ExitCode);
            AssertOneUnreachableLine(run.Stderr, port);
            Assert.Contains("check that cluster id 'grainflow' matches", run.Stderr);
            Assert.True(run.Elapsed < InProcessBound + TimeSpan.FromSeconds(2), $"took {run.Elapsed}");
        }
        finally
        {
            await stop.CancelAsync();
            await accepting;
            foreach (var socket in held) socket.Dispose();
        }
    }

    [Fact]
    public async Task The_grainflow_executable_exits_2_with_one_line_when_no_silo_listens()
    {
        var port = FreeLoopbackPort.Find();
        var dll = GrainFlowCli.DllPath;

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "list", "--gateway", $"127.0.0.1:{port}" }) start.ArgumentList.Add(arg);
        start.Environment.Remove("GRAINFLOW_REDIS");

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"grainflow did not exit within 60 s; stderr so far: {await stderr}");
        }
        stopwatch.Stop();

        Assert.Equal(ExitCodes.ClusterUnreachable, process.ExitCode);
        AssertOneUnreachableLine(await stderr, port);
        Assert.Equal("", await stdout);
        Assert.True(stopwatch.Elapsed < ProcessBound, $"took {stopwatch.Elapsed}");
    }
}
