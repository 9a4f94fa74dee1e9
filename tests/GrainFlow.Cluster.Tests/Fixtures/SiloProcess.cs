using System.Diagnostics;
using Orleans.Runtime;
using GrainFlow.Testing.Network;

namespace GrainFlow.Cluster.Tests.Fixtures;

/// <summary>
/// One GrainFlow silo as a separate process — <c>dotnet GrainFlow.Silo.dll -D key=value …</c>, as an
/// operator starts it — on its own free ports and working directory.
/// </summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly CapturedOutput _output = new();

    private SiloProcess(string name, Process process, int siloPort, int gatewayPort)
    {
        Name = name;
        _process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public string Name { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The captured end of its console output.</summary>
    public string Output => _output.ToString();

    public static SiloProcess Start(string name, string workingDirectory, IReadOnlyDictionary<string, string> settings)
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "GrainFlow.Silo.dll");
        if (!File.Exists(silo)) throw new FileNotFoundException($"GrainFlow.Silo.dll is not next to the tests in {AppContext.BaseDirectory}.", silo);
        Directory.CreateDirectory(workingDirectory);
        var siloPort = FreeLoopbackPort.Find();
        var gatewayPort = FreeLoopbackPort.Find();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(silo);
        var all = new Dictionary<string, string>(settings)
        {
            ["grainflow.silo.port"] = siloPort.ToString(),
            ["grainflow.gateway.port"] = gatewayPort.ToString(),
        };
        // Each silo serves the REST API; several on one machine need their own port (0: a free one).
        all.TryAdd("rest.port", "0");
        foreach (var (key, value) in all)
        {
            start.ArgumentList.Add("-D");
            start.ArgumentList.Add($"{key}={value}");
        }
        // Only the -D keys above configure it: nothing of the developer's own environment leaks in.
        foreach (var variable in start.Environment.Keys.Where(k => k.StartsWith("GrainFlow__", StringComparison.OrdinalIgnoreCase) || k == "GRAINFLOW_PROPERTIES").ToList())
        {
            start.Environment.Remove(variable);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {silo}.");
        var handle = new SiloProcess(name, process, siloPort, gatewayPort);
        handle._output.Attach(process);
        return handle;
    }

    public bool Is(SiloAddress address) => address.Endpoint.Port == SiloPort;

    /// <summary>A crash: the whole process tree ends at once, without any shutdown.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public override string ToString() => $"{Name} (silo port {SiloPort})";

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        _process.Dispose();
    }
}
