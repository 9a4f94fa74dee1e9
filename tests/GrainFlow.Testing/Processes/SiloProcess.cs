using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using GrainFlow.Testing.Network;

namespace GrainFlow.Testing.Processes;

/// <summary>
/// The silo as a user starts it (<c>dotnet GrainFlow.Silo.dll</c>) on free ports, for tests that drive it
/// from outside: the <c>grainflow</c> executable through its gateway, HTTP through its REST API.
/// The REST API binds a free port (<c>rest.port=0</c>) unless a test sets one; its address is read from
/// the silo's log, and the silo is ready once the API answers (it opens only when the silo is active).
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private static readonly Regex ListeningLine = new(@"REST API listening on http://[^:/]+:(\d+)", RegexOptions.Compiled);

    private SiloProcess(Process process, int gatewayPort)
    {
        _process = process;
        GatewayPort = gatewayPort;
    }

    public int GatewayPort { get; }

    /// <summary>The port the REST API got; known once <see cref="StartAsync"/> returned.</summary>
    public int RestPort { get; private set; }

    public Uri RestAddress => new($"http://127.0.0.1:{RestPort}");

    /// <summary>Everything the silo printed so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <param name="workingDirectory">Where the silo keeps its data (.grainflow/).</param>
    public static Task<SiloProcess> StartAsync(string workingDirectory, params string[] settings) =>
        StartAsync(workingDirectory, new Dictionary<string, string>(), settings);

    /// <param name="workingDirectory">Where the silo keeps its data (.grainflow/).</param>
    /// <param name="environment">Environment variables the silo gets on top of this process's.</param>
    /// <param name="settings">The silo's command line (<c>-Dkey=value</c>).</param>
    public static async Task<SiloProcess> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] settings)
    {
        var gatewayPort = FreeLoopbackPort.Find();
        string[] rest = settings.Any(s => s.StartsWith("-Drest.port=", StringComparison.Ordinal)) ? [] : ["-Drest.port=0"];
        var start = Start(workingDirectory, [$"-Dgrainflow.gateway.port={gatewayPort}", .. rest, .. settings]);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start)!;
        var silo = new SiloProcess(process, gatewayPort);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await silo.WaitUntilServingAsync(TimeSpan.FromMinutes(2));
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
        return silo;
    }

    /// <summary>Runs a silo until it exits by itself (it refuses to start, or ran a job with --exit-when-finished); returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string workingDirectory, params string[] args)
    {
        string[] rest = args.Any(s => s.StartsWith("-Drest.port=", StringComparison.Ordinal)) ? [] : ["-Drest.port=0"];
        string[] gateway = args.Any(s => s.StartsWith("-Dgrainflow.gateway.port=", StringComparison.Ordinal)) ? [] : [$"-Dgrainflow.gateway.port={FreeLoopbackPort.Find()}"];
        var (exitCode, stdout, stderr) = await ProcessRun.ToExitAsync(Start(workingDirectory, [.. args, .. gateway, .. rest]), TimeSpan.FromMinutes(2));
        return (exitCode, stdout + stderr);
    }


    private static ProcessStartInfo Start(string workingDirectory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "GrainFlow.Silo.dll"));
        // A free silo port too, so a test never collides with a silo a developer runs on the defaults.
        start.ArgumentList.Add($"-Dgrainflow.silo.port={FreeLoopbackPort.Find()}");
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        Match listening;
        while (!(listening = ListeningLine.Match(Output)).Success)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The silo exited with code {_process.ExitCode}:\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The silo did not open its REST API within {timeout}:\n{Output}");
            await Task.Delay(100);
        }
        RestPort = int.Parse(listening.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = RestAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The silo exited with code {_process.ExitCode}:\n{Output}");
            try
            {
                using var response = await http.GetAsync("/jobs");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening, but the silo is still starting.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The silo's REST API did not answer within {timeout}:\n{Output}");
    }

    /// <summary>Kills the silo without warning (SIGKILL, as <c>kill -9</c>): it cannot report, persist or leave the cluster.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Stops the silo as a service manager or Ctrl+C does (SIGTERM), and returns its exit code once it has ended.</summary>
    public async Task<int> StopGracefullyAsync(TimeSpan timeout)
    {
        if (SendSignal(_process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed with error {Marshal.GetLastPInvokeError()}.");
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        // The asynchronous readers may still hold the last lines; WaitForExit without a timeout waits for them.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
