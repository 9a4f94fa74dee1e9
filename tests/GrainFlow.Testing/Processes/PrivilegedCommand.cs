using System.Diagnostics;

namespace GrainFlow.Testing.Processes;

/// <summary>Runs a command as root: directly when the tests run as root, else through passwordless sudo (as on the CI machine).</summary>
internal static class PrivilegedCommand
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string command, params string[] arguments)
    {
        var root = Environment.UserName == "root";
        var start = new ProcessStartInfo(root ? command : "sudo");
        if (!root)
        {
            start.ArgumentList.Add("-n");
            start.ArgumentList.Add(command);
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return await ProcessRun.ToExitAsync(start, CommandTimeout);
    }
}
