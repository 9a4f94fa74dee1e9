using System.Diagnostics;
using GrainFlow.Testing.Azurite;

namespace GrainFlow.Testing.Processes;

/// <summary>
/// The <c>grainflow</c> command as a user runs it: the Client project's own build output, with its own
/// runtime configuration. A test's output folder holds a copy too, but there its dependencies resolve
/// against the test's frameworks (ASP.NET Core comes with the silo's hosting library), so that copy
/// cannot start on its own.
/// </summary>
public static class GrainFlowCli
{
    /// <summary>The path of grainflow.dll, built in the same configuration and target framework as the running tests.</summary>
    public static string DllPath { get; } = Find();

    /// <summary>
    /// Runs <c>grainflow</c> as its own process against the gateway at <paramref name="gatewayPort"/>, in
    /// <paramref name="workingDirectory"/>, without the host's GRAINFLOW_REDIS (which would point it elsewhere).
    /// </summary>
    /// <returns>The exit code, stdout as non-empty lines, and stderr.</returns>
    public static Task<(int ExitCode, string[] Stdout, string Stderr)> RunAsync(
        string workingDirectory, int gatewayPort, byte[]? stdin, params string[] args) =>
        RunConnectedAsync(workingDirectory, ["--gateway", $"127.0.0.1:{gatewayPort}"], stdin, args);

    /// <summary>
    /// Runs <c>grainflow</c> with <paramref name="connection"/> as its connection options (e.g. <c>--azure-table</c>
    /// and <c>--cluster-id</c>), without the host's GRAINFLOW_* connection variables.
    /// </summary>
    public static async Task<(int ExitCode, string[] Stdout, string Stderr)> RunConnectedAsync(
        string workingDirectory, string[] connection, byte[]? stdin, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { WorkingDirectory = workingDirectory };
        string[] all = [DllPath, .. args, .. connection];
        foreach (var arg in all) start.ArgumentList.Add(arg);
        start.Environment.Remove("GRAINFLOW_REDIS");
        start.Environment.Remove("GRAINFLOW_AZURE_TABLE");
        var (exitCode, stdout, stderr) = await ProcessRun.ToExitAsync(start, TimeSpan.FromMinutes(2), stdin);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        return (exitCode, lines, stderr);
    }

    private static string Find()
    {
        var testOutput = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var targetFramework = testOutput.Name;
        var configuration = testOutput.Parent?.Name ?? "Debug";
        var path = Path.Combine(AzuriteInstallation.FindRepositoryRoot(), "src", "Client", "GrainFlow.Client", "bin", configuration, targetFramework, "grainflow.dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"grainflow.dll is not where the Client project builds it ({path}); build the solution first.", path);
    }
}
