using System.CommandLine;
using GrainFlow.Client.Connection;
using GrainFlow.Client.Output;

namespace GrainFlow.Client.Commands;

/// <summary>What every command of one invocation shares: the streams, the global options and the connector.</summary>
internal sealed class CliContext(CliConsole console, IClusterConnector connector, GlobalOptions globals)
{
    public CliConsole Console { get; } = console;

    public GlobalOptions Globals { get; } = globals;

    /// <summary>Where the last connection went (for error messages); null before any connection attempt.</summary>
    public string? Target { get; private set; }

    public bool IsVerbose(ParseResult parseResult) => parseResult.GetValue(Globals.Verbose);

    /// <summary>Connects as the global options say; the caller disposes the connection.</summary>
    /// <exception cref="CliUsageException">The connection options are malformed.</exception>
    /// <exception cref="ClusterUnreachableException">No silo answered.</exception>
    public async Task<ClusterConnection> ConnectAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var settings = Globals.ToSettings(parseResult);
        Target = settings.DescribeTarget();
        return await connector.ConnectAsync(settings, cancellationToken).ConfigureAwait(false);
    }
}
