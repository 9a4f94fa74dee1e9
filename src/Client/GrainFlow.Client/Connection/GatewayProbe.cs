using System.Net;
using System.Net.Sockets;

namespace GrainFlow.Client.Connection;

/// <summary>
/// A plain TCP connect to each gateway, used when the Orleans client is slow to start: Orleans keeps
/// retrying a refused gateway until its start is cancelled, so the probe is what tells "nothing
/// listens there" (fail now, with the socket's reason) from "a silo is there but slow" (keep waiting).
/// </summary>
internal static class GatewayProbe
{
    /// <returns>Null when at least one gateway accepted a connection (or there was none to probe);
    /// otherwise the reason the first gateway could not be reached.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<string?> FindReasonNoneAcceptsAsync(IReadOnlyList<IPEndPoint> gateways, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (gateways.Count == 0) return null;
        var reasons = await Task.WhenAll(gateways.Select(g => TryConnectAsync(g, timeout, cancellationToken))).ConfigureAwait(false);
        return reasons.Any(r => r is null) ? null : reasons[0];
    }

    private static async Task<string?> TryConnectAsync(IPEndPoint gateway, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = new Socket(gateway.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        try
        {
            // WaitAsync as well: a connect to a black-holed address does not always observe the token.
            await socket.ConnectAsync(gateway, attempt.Token).AsTask().WaitAsync(attempt.Token).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Both);
            return null;
        }
        catch (SocketException exception)
        {
            return ConnectionFailures.OneLine(exception.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer from {gateway} within {timeout.TotalSeconds:0.#} s";
        }
    }
}
