using System.Diagnostics;
using System.Reflection;

namespace GrainFlow.Infra.Tests;

/// <summary>Result of one bicep CLI invocation.</summary>
public sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Describe() => $"exit code {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>
/// Runs the bicep CLI shipped by the Azure.Bicep.CommandLine.linux-x64 package. The package's build props set
/// $(BicepPath); the test project stamps it (and the repo root) into assembly metadata at build time.
/// Only local modules are used, so bicep never needs the network.
/// </summary>
public static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private static readonly Lazy<string> ExecutablePath = new(FindExecutable);

    public static string RepoRoot { get; } = Path.GetFullPath(ReadMetadata("GrainFlow.RepoRoot"));

    public static string InfraDirectory { get; } = Path.Combine(RepoRoot, "infra");

    /// <summary>Every .bicep file under infra/, as paths relative to infra/ with forward slashes.</summary>
    public static IReadOnlyList<string> InfraBicepFiles() =>
        Directory.EnumerateFiles(InfraDirectory, "*.bicep", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(InfraDirectory, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static async Task<BicepResult> RunAsync(string workingDirectory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(ExecutablePath.Value)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // bicep is a self-contained .NET app: do not make it depend on ICU being installed.
        startInfo.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {ExecutablePath.Value}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new BicepResult(process.ExitCode, await stdout, await stderr);
    }

    private static string FindExecutable()
    {
        var path = Path.GetFullPath(ReadMetadata("GrainFlow.BicepPath"));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                "The bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package was not found; run `dotnet restore`.", path);
        }

        if (!OperatingSystem.IsWindows())
        {
            // NuGet extracts package files without preserving the executable bit on some hosts.
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(path, mode | executable);
            }
        }

        return path;
    }

    private static string ReadMetadata(string key)
    {
        var value = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == key)?.Value;
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"Assembly metadata '{key}' is missing; it is set by GrainFlow.Infra.Tests.csproj.");
        }

        return value;
    }
}
