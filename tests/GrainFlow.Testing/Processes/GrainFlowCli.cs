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
