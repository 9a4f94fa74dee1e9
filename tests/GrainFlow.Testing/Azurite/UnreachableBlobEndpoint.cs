using System.Net;
using System.Net.Sockets;

namespace GrainFlow.Testing.Azurite;

/// <summary>
/// A loopback port where no storage listens, for "storage is down" tests: connections are refused at
/// once, and the port stays reserved (bound, never listening) until disposed so nothing else takes it.
/// </summary>
public sealed class UnreachableBlobEndpoint : IDisposable
{
    private readonly Socket _socket;

    public UnreachableBlobEndpoint()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        ConnectionString = AzuriteFixture.CreateConnectionString(Port);
    }

    public int Port { get; }

    /// <summary>An Azurite-style connection string pointing at <see cref="Port"/>.</summary>
    public string ConnectionString { get; }

    /// <summary>The blob endpoint URL, as it appears in error messages.</summary>
    public string BlobEndpoint => $"http://127.0.0.1:{Port}/{AzuriteFixture.AccountName}";

    public void Dispose() => _socket.Dispose();
}
