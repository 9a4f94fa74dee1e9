using GrainFlow.Client;
using GrainFlow.Client.Connection;
using GrainFlow.Client.Output;

namespace GrainFlow.Client.Tests;

/// <summary>One in-process run of the CLI with captured streams.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public string[] StderrLines => Lines(Stderr);

    public string[] StdoutLines => Lines(Stdout);

    /// <param name="environment">The GRAINFLOW_* variables the run sees (none by default, so the host's own do not leak in).</param>
    /// <param name="stdinBytes">stdin as the grainflow process gets it (raw bytes); replaces <paramref name="stdin"/>.</param>
    public static async Task<CliRun> RunAsync(
        string[] args,
        IClusterConnector? connector = null,
        string stdin = "",
        IReadOnlyDictionary<string, string>? environment = null,
        byte[]? stdinBytes = null)
    {
        using TextReader input = stdinBytes is null ? new StringReader(stdin) : new StreamReader(new MemoryStream(stdinBytes));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var exitCode = await CliApp.RunAsync(
            args,
            new CliConsole(stdout, stderr, input),
            connector,
            name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            CancellationToken.None);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString(), started.Elapsed);
    }

    public static string[] Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();

    /// <summary>True when the text contains a .NET stack frame.</summary>
    public static bool HasStackTrace(string text) =>
        Lines(text).Any(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) && l.Contains('(', StringComparison.Ordinal))
        || text.Contains("--- End of", StringComparison.Ordinal);
}
