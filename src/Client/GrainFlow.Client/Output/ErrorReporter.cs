using GrainFlow.Client.Commands;
using GrainFlow.Client.Connection;
using GrainFlow.Errors;

namespace GrainFlow.Client.Output;

/// <summary>
/// Turns any exception that reaches the top of the CLI into one line on stderr and an exit code.
/// Stack traces appear only with <c>--verbose</c>.
/// </summary>
internal static class ErrorReporter
{
    /// <summary>Flink's first line for an error the CLI did not anticipate.</summary>
    public const string UnexpectedHeader = "The program finished with the following exception:";

    public const string CancelledLine = "Cancelled.";

    /// <param name="target">Where the CLI connected (or tried to), for connection failures during a call.</param>
    /// <param name="cancelled">The invocation was cancelled (Ctrl+C), so an OperationCanceledException is expected.</param>
    public static int Report(Exception exception, TextWriter error, string? target, bool verbose, bool cancelled)
    {
        switch (exception)
        {
            case ClusterUnreachableException unreachable:
                error.WriteLine(SingleLine.Of(unreachable.Message));
                if (verbose && unreachable.InnerException is { } cause) error.WriteLine(cause);
                return ExitCodes.ClusterUnreachable;

            case CliUsageException usage:
                error.WriteLine(SingleLine.Of(usage.Message));
                return ExitCodes.Failure;

            case GrainFlowException grainFlow:
                error.WriteLine(SingleLine.Of(grainFlow.Message));
                if (verbose) error.WriteLine(grainFlow);
                return ExitCodes.Failure;

            case OperationCanceledException when cancelled:
                error.WriteLine(CancelledLine);
                return ExitCodes.Cancelled;

            case var lost when ConnectionFailures.IsConnectionFailure(lost):
                var unreachableNow = new ClusterUnreachableException(
                    target ?? GatewayAddress.Default.ToString(), ConnectionFailures.ShortReason(lost), lost);
                error.WriteLine(SingleLine.Of(unreachableNow.Message));
                if (verbose) error.WriteLine(lost);
                return ExitCodes.ClusterUnreachable;

            default:
                error.WriteLine(UnexpectedHeader);
                error.WriteLine(verbose
                    ? exception.ToString()
                    : $"{exception.GetType().FullName}: {SingleLine.Of(exception.Message)}");
                return ExitCodes.Failure;
        }
    }
}
