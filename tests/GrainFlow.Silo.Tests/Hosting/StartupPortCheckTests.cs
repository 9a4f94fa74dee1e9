using System.Net;
using System.Net.Sockets;
using GrainFlow.Silo.Hosting;
using GrainFlow.Testing.Network;

namespace GrainFlow.Silo.Tests.Hosting;

/// <summary>The silo's start-up check of its ports: refused while anything listens there, not because of closed connections.</summary>
[Trait("Category", "Unit")]
public sealed class StartupPortCheckTests
{
    [Fact]
    public void APortAnotherSocketListensOnIsBusyEvenWhenThatSocketSharesItsPort()
    {
        var port = FreeLoopbackPort.Find();
        // As Orleans listens: ReuseAddress, which is SO_REUSEADDR and SO_REUSEPORT on Linux.
        using var orleansLike = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        orleansLike.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        orleansLike.Bind(new IPEndPoint(IPAddress.Loopback, port));
        orleansLike.Listen();

        Assert.NotNull(StartupPortCheck.Busy(IPAddress.Loopback, port));
    }

    [Fact]
    public async Task APortWhoseListenerClosedIsFreeAlthoughItsConnectionsLingerInTimeWait()
    {
        var port = FreeLoopbackPort.Find();
        using (var listener = new TcpListener(IPAddress.Loopback, port))
        {
            listener.Start();
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            // The side that closes first keeps the connection in TIME_WAIT: here the server, on the listening port.
            using (var accepted = await listener.AcceptTcpClientAsync()) accepted.Client.Close();
            listener.Stop();
        }

        Assert.Null(StartupPortCheck.Busy(IPAddress.Loopback, port));
    }
}
