using System.CommandLine;
using GrainFlow.Client.Commands;
using GrainFlow.Client.Connection;
using GrainFlow.Client.Output;

namespace GrainFlow.Client;

/// <summary>
/// The <c>grainflow</c> command line, runnable in-process: every stream and the cluster connection are
/// passed in, and nothing escapes as an exception (errors become one stderr line and an exit code:
/// 0 success, 1 failure, 2 no silo reachable, 130 interrupted).
/// </summary>
public static class CliApp
{
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="connector">How commands get a cluster client; default: a new Orleans client per command
    /// (<see cref="OrleansClusterConnector"/>). Pass <see cref="ExistingClusterClientConnector"/> to reuse a
    /// client you own: the CLI never disposes it.</param>
    /// <param name="cancellationToken">Cancels the running command (as Ctrl+C does).</param>
    public static Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        TextReader stdin,
        IClusterConnector? connector = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(args, new CliConsole(stdout, stderr, stdin), connector, Environment.GetEnvironmentVariable, cancellationToken);

    /// <param name="environment">Reads the GRAINFLOW_* variables (tests pass their own).</param>
    internal static async Task<int> RunAsync(
        string[] args,
        CliConsole console,
        IClusterConnector? connector,
        Func<string, string?> environment,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(environment);

        var globals = new GlobalOptions(environment);
        var context = new CliContext(console, connector ?? new OrleansClusterConnector(), globals);
        ParseResult? parseResult = null;
        try
        {
            var root = BuildRootCommand(context);
            parseResult = root.Parse(DefineOption.ExpandAttachedForm(args), new ParserConfiguration { ResponseFileTokenReplacer = null });
            var invocation = new InvocationConfiguration
            {
                Output = console.Out,
                Error = console.Error,
                EnableDefaultExceptionHandler = false,
            };
            return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return ErrorReporter.Report(
                exception,
                console.Error,
                context.Target,
                verbose: IsVerbose(parseResult, globals, args),
                cancelled: cancellationToken.IsCancellationRequested || exception is OperationCanceledException { CancellationToken.IsCancellationRequested: true });
        }
        finally
        {
            await console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await console.Error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    internal static RootCommand BuildRootCommand(CliContext context)
    {
        var root = new RootCommand(
            "GrainFlow command-line client: submit and manage checkpointed dataflow jobs and read and write topics on a GrainFlow (Orleans) cluster.");
        foreach (var option in context.Globals.All) root.Options.Add(option);
        root.Subcommands.Add(RunCommand.Create(context));
        root.Subcommands.Add(ListCommand.Create(context));
        root.Subcommands.Add(StatusCommand.Create(context));
        root.Subcommands.Add(CancelCommand.Create(context));
        root.Subcommands.Add(StopCommand.Create(context));
        root.Subcommands.Add(SavepointCommand.Create(context));
        root.Subcommands.Add(CheckpointCommand.Create(context));
        root.Subcommands.Add(CheckpointsCommand.Create(context));
        root.Subcommands.Add(PublishCommand.Create(context));
        root.Subcommands.Add(TailCommand.Create(context));
        root.Subcommands.Add(InspectCommand.Create(context));
        return root;
    }

    private static bool IsVerbose(ParseResult? parseResult, GlobalOptions globals, string[] args)
    {
        try
        {
            if (parseResult is not null) return parseResult.GetValue(globals.Verbose);
        }
        catch (Exception)
        {
            // A result with parse errors may refuse values; fall back to the raw arguments.
        }
        return args.Contains("--verbose", StringComparer.Ordinal);
    }
}
