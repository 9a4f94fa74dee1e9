using System.Diagnostics;
using System.Reflection;
using GrainFlow.Testing.Processes;

namespace GrainFlow.Templates.Tests;

/// <summary>Runs the <c>dotnet</c> command as a user would, in a working directory of the test's choosing.</summary>
internal static class DotnetCli
{
    public static string RepoRoot { get; } = Path.GetFullPath(typeof(DotnetCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "GrainFlow.RepoRoot").Value!);

    /// <summary>The configuration this test was built in, which is the one the packed projects were built in with it.</summary>
    public static string Configuration { get; } = typeof(DotnetCli).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    /// <summary>Runs <c>dotnet</c>; fails the test with the command's output unless it exits with 0.</summary>
    public static async Task<string> RunAsync(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { WorkingDirectory = workingDirectory };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The test host runs inside 'dotnet test', whose MSBuild and VSTest variables would steer the nested commands.
        foreach (var inherited in start.Environment.Keys.Where(IsTestRunVariable).ToList()) start.Environment.Remove(inherited);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var (exitCode, stdout, stderr) = await ProcessRun.ToExitAsync(start, timeout);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', args)} exited with {exitCode}:\n{stdout}\n{stderr}");
        return stdout;
    }

    private static bool IsTestRunVariable(string name) =>
        name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase);
}
