using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace GrainFlow.Client.Connection;

/// <summary>A silo gateway as the user wrote it: <c>host:port</c> (an IPv6 literal in brackets: <c>[::1]:30000</c>).</summary>
public sealed record GatewayAddress(string Host, int Port)
{
    public const int DefaultPort = 30000;

    public static GatewayAddress Default { get; } = new("127.0.0.1", DefaultPort);

    public static bool TryParse(string? text, [NotNullWhen(true)] out GatewayAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        error = null;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            error = "Empty gateway address: expected host:port, e.g. 127.0.0.1:30000.";
            return false;
        }

        if (trimmed.StartsWith('['))
        {
            // [ipv6]:port
            if (IPEndPoint.TryParse(trimmed, out var v6) && v6.Port != 0 && trimmed.Contains("]:", StringComparison.Ordinal))
            {
                address = new GatewayAddress(v6.Address.ToString(), v6.Port);
                return true;
            }
            error = $"Invalid gateway address '{trimmed}': expected [ipv6-address]:port, e.g. [::1]:{DefaultPort}.";
            return false;
        }

        var colon = trimmed.LastIndexOf(':');
        if (colon <= 0 || colon == trimmed.Length - 1 || trimmed.IndexOf(':') != colon)
        {
            error = $"Invalid gateway address '{trimmed}': expected host:port, e.g. 127.0.0.1:{DefaultPort}.";
            return false;
        }

        var host = trimmed[..colon];
        var portText = trimmed[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"Invalid port '{portText}' in gateway address '{trimmed}': expected a number from 1 to 65535.";
            return false;
        }

        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            error = $"Invalid host '{host}' in gateway address '{trimmed}': expected a host name or an IP address.";
            return false;
        }

        address = new GatewayAddress(host, port);
        return true;
    }

    /// <summary>The endpoint to connect to; a host name is resolved, preferring IPv4.</summary>
    /// <exception cref="SocketException">The host name does not resolve.</exception>
    public async Task<IPEndPoint> ResolveAsync(CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(Host, out var literal)) return new IPEndPoint(literal, Port);

        var addresses = await Dns.GetHostAddressesAsync(Host, cancellationToken).ConfigureAwait(false);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
        return new IPEndPoint(chosen, Port);
    }

    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
