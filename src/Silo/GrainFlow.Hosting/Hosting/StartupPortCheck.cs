using System.Net;
using System.Net.Sockets;
using GrainFlow.Configuration;

namespace GrainFlow.Silo.Hosting;

/// <summary>
/// Refuses, before anything starts, ports another process already listens on. Orleans' listeners set
/// <c>SocketOptionName.ReuseAddress</c>, which .NET turns into SO_REUSEADDR and SO_REUSEPORT on Linux:
/// a second silo on the same silo and gateway ports binds without an error and the kernel then splits
/// connections between the two. The probe sets SO_REUSEADDR alone: it cannot bind while any socket
/// listens there, yet binds over the closed connections a silo that just crashed leaves in TIME_WAIT,
/// so a restart on the same ports is not refused. (Two silos started at the same instant can both
/// pass; the check is for the everyday mistake.)
/// </summary>
public static class StartupPortCheck
{
    // SO_REUSEADDR without SO_REUSEPORT, which SocketOptionName.ReuseAddress would add (Windows binds over TIME_WAIT anyway).
    private const int LinuxSolSocket = 1, LinuxSoReuseAddr = 2, MacSolSocket = 0xffff, MacSoReuseAddr = 4;

    /// <summary>Null when <paramref name="port"/> can be listened on at <paramref name="address"/> now (or is 0), else the system's reason.</summary>
    public static string? Busy(IPAddress address, int port)
    {
        if (port == 0) return null;
        try
        {
            using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (OperatingSystem.IsLinux()) probe.SetRawSocketOption(LinuxSolSocket, LinuxSoReuseAddr, BitConverter.GetBytes(1));
            else if (OperatingSystem.IsMacOS()) probe.SetRawSocketOption(MacSolSocket, MacSoReuseAddr, BitConverter.GetBytes(1));
            probe.Bind(new IPEndPoint(address, port));
            probe.Listen();
            return null;
        }
        catch (SocketException e)
        {
            return e.Message;
        }
    }

    /// <summary>One line naming the silo and gateway ports in use and what to do, or null when both are free.</summary>
    public static string? SiloPortsProblem(GrainFlowConfiguration configuration)
    {
        // The addresses ClusterSiloBuilderExtensions listens on: loopback, or every address when one is advertised.
        var address = configuration.Get(ClusterOptions.Type) == ClusterType.Redis && configuration.GetOptionalString(ClusterOptions.AdvertisedIp) is not null
            ? IPAddress.Any
            : IPAddress.Loopback;
        var busy = new[] { ClusterOptions.SiloPort, ClusterOptions.GatewayPort }
            .Select(option => (option.Key, Port: configuration.Get(option)))
            .Select(p => (p.Key, p.Port, Reason: Busy(address, p.Port)))
            .Where(p => p.Reason is not null)
            .ToList();
        if (busy.Count == 0) return null;
        return $"The silo cannot listen on {string.Join(" and ", busy.Select(p => $"{p.Key} {p.Port}"))} at {address} ({busy[0].Reason}): " +
            "another process, probably another silo, listens there. Give each silo on this machine its own grainflow.silo.port and " +
            "grainflow.gateway.port (and rest.port), or stop the other silo.";
    }
}
