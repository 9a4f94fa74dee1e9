using GrainFlow.Configuration;

namespace GrainFlow.Silo.Hosting;

public enum ClusterType
{
    Localhost,
    Redis,
}

/// <summary>How the silo finds its cluster. The embedded default is a single silo on localhost.</summary>
public static class ClusterOptions
{
    public static readonly ConfigOption<ClusterType> Type = ConfigOptions.Key("grainflow.cluster.type").EnumType<ClusterType>()
        .WithDefault(ClusterType.Localhost);

    public static readonly ConfigOption<string> RedisConnectionString = ConfigOptions.Key("grainflow.cluster.redis.connection-string").StringType();

    public static readonly ConfigOption<string> ClusterId = ConfigOptions.Key("grainflow.cluster.id").StringType().WithDefault("grainflow");

    public static readonly ConfigOption<string> ServiceId = ConfigOptions.Key("grainflow.cluster.service-id").StringType().WithDefault("grainflow");

    public static readonly ConfigOption<int> SiloPort = Port("grainflow.silo.port", 11111);

    public static readonly ConfigOption<int> GatewayPort = Port("grainflow.gateway.port", 30000);

    /// <summary>The address other silos and clients use to reach this silo (behind NAT or a Container App, it differs from the local one).</summary>
    public static readonly ConfigOption<string> AdvertisedIp = ConfigOptions.Key("grainflow.cluster.advertised-ip").StringType()
        .WithCheck(a => System.Net.IPAddress.TryParse(a, out _) ? null : "the advertised address must be an IP address", "an IP address such as 10.0.0.4");

    /// <summary>The silo port as others reach it; defaults to <see cref="SiloPort"/>.</summary>
    public static readonly ConfigOption<int> AdvertisedSiloPort = Port("grainflow.cluster.advertised-silo-port", 0);

    /// <summary>The gateway port as clients reach it; defaults to <see cref="GatewayPort"/>.</summary>
    public static readonly ConfigOption<int> AdvertisedGatewayPort = Port("grainflow.cluster.advertised-gateway-port", 0);

    public static IReadOnlyList<ConfigOption> All { get; } =
        [Type, RedisConnectionString, ClusterId, ServiceId, SiloPort, GatewayPort, AdvertisedIp, AdvertisedSiloPort, AdvertisedGatewayPort];

    private static ConfigOption<int> Port(string key, int defaultPort) => ConfigOptions.Key(key).IntType()
        .WithCheck(p => p is >= 0 and <= 65535 ? null : "a port is from 0 to 65535", "a TCP port from 0 to 65535 (0 picks a free one)")
        .WithDefault(defaultPort);
}
