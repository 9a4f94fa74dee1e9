using System.Net;
using StackExchange.Redis;

namespace GrainFlow.Client.Connection;

/// <summary>Reads a Redis connection string without ever echoing its secrets.</summary>
internal static class RedisEndpoints
{
    /// <exception cref="ArgumentException">The connection string cannot be parsed; the message says why.</exception>
    public static ConfigurationOptions Parse(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        if (options.EndPoints.Count == 0)
        {
            throw new ArgumentException("the connection string names no Redis endpoint (expected e.g. localhost:6379)");
        }
        return options;
    }

    /// <summary>The endpoints only (host:port list), or a neutral text when the string does not parse.</summary>
    public static string Describe(string connectionString)
    {
        try
        {
            return string.Join(", ", Parse(connectionString).EndPoints.Select(Format));
        }
        catch (ArgumentException)
        {
            return "<unparsable connection string>";
        }
    }

    private static string Format(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        IPEndPoint { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]:{ip.Port}",
        _ => endPoint.ToString() ?? "?",
    };
}
