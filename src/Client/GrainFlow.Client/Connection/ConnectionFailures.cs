using System.Net.Sockets;
using GrainFlow.Client.Output;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using StackExchange.Redis;

namespace GrainFlow.Client.Connection;

/// <summary>Recognises the exceptions that mean "the cluster is not reachable" and names their cause briefly.</summary>
internal static class ConnectionFailures
{
    private const int MaxReasonLength = 160;

    /// <summary>True when <paramref name="exception"/> (or a cause of it) is a transport-level failure to reach a silo.</summary>
    public static bool IsConnectionFailure(Exception exception) =>
        Causes(exception).Any(e => e is SiloUnavailableException
            or ConnectionFailedException
            or OrleansMessageRejectionException
            or GatewayTooBusyException
            or SocketException
            or RedisConnectionException
            or ClusterUnreachableException);

    /// <summary>A one-line cause: the socket error when there is one, else the innermost message.</summary>
    public static string ShortReason(Exception exception)
    {
        var causes = Causes(exception).ToList();
        var socket = causes.OfType<SocketException>().LastOrDefault();
        var text = socket is not null ? socket.Message : causes[^1].Message;
        if (string.IsNullOrWhiteSpace(text)) text = causes[^1].GetType().Name;
        return OneLine(text, MaxReasonLength);
    }

    /// <summary>A message on one line without its trailing period, to embed in another sentence.</summary>
    public static string OneLine(string? text, int maxLength = int.MaxValue) =>
        SingleLine.Of(text, maxLength).TrimEnd('.');

    /// <summary>The exception followed by its causes, outermost first (the first branch of an AggregateException).</summary>
    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (Exception? current = exception; current is not null;)
        {
            yield return current;
            current = current is AggregateException { InnerExceptions.Count: > 0 } aggregate
                ? aggregate.InnerExceptions[0]
                : current.InnerException;
        }
    }
}
