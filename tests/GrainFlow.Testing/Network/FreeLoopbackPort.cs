using System.Net;
using System.Net.Sockets;

namespace GrainFlow.Testing.Network;

/// <summary>Ports for test silos, emulators and servers, so that nothing assumes a fixed port is free.</summary>
public static class FreeLoopbackPort
{
    /// <summary>A loopback TCP port nothing listens on (bound and released at once).</summary>
    public static int Find()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
