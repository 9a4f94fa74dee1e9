using GrainFlow.Configuration;

namespace GrainFlow.Silo.Hosting;

public enum ClusterType
{
    Localhost,
    Redis,
    AzureStorage,
}

/// <summary>How the silo finds its cluster. The embedded default is a single silo on localhost.</summary>
public static class ClusterOptions
{
    public static readonly ConfigOption<ClusterType> Type = ConfigOptions.Key("grainflow.cluster.type").EnumType<ClusterType>()
        .WithDefault(ClusterType.Localhost);

    public static readonly ConfigOption<string> RedisConnectionString = ConfigOptions.Key("grainflow.cluster.redis.connection-string").StringType();

    /// <summary>With <c>AZURE_STORAGE</c>: the account holding the membership table, by connection string (e.g. Azurite's)...</summary>
    public static readonly ConfigOption<string> AzureConnectionString = ConfigOptions.Key("grainflow.cluster.azure.connection-string").StringType();

    /// <summary>...or by its table endpoint, signed in with <c>DefaultAzureCredential</c> (a managed identity on Azure).</summary>
    public static readonly ConfigOption<string> AzureServiceUri = ConfigOptions.Key("grainflow.cluster.azure.service-uri").StringType()
        .WithCheck(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps ? null : "the service URI must be an absolute https URL",
            "the table endpoint, e.g. https://<account>.table.core.windows.net");

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

    /// <summary>
    /// Orleans' initial liveness probe timeout (<c>ClusterMembershipOptions.ProbeTimeout</c>). With the
    /// missed-probes limit and the death votes it decides how soon a crashed silo is declared dead —
    /// and so how soon the jobs that ran on it fail over. Unset: Orleans' default (5 s).
    /// </summary>
    public static readonly ConfigOption<TimeSpan> ProbeTimeout = ConfigOptions.Key("grainflow.cluster.membership.probe-timeout").DurationType()
        .WithCheck(d => d >= TimeSpan.FromMilliseconds(100) && d <= TimeSpan.FromMinutes(5) ? null : "the probe timeout must be from 100 ms to 5 min",
            "a duration from 100 ms to 5 min, e.g. \"5 s\"");

    /// <summary>Missed probes after which a silo suspects another (<c>NumMissedProbesLimit</c>). Unset: Orleans' default (3).</summary>
    public static readonly ConfigOption<int> MissedProbesLimit = ConfigOptions.Key("grainflow.cluster.membership.missed-probes-limit").IntType()
        .WithCheck(n => n is >= 1 and <= 100 ? null : "the limit must be from 1 to 100", "a whole number from 1 to 100");

    /// <summary>Suspicions needed to declare a silo dead (<c>NumVotesForDeathDeclaration</c>). Unset: Orleans' default (2).</summary>
    public static readonly ConfigOption<int> DeathVotes = ConfigOptions.Key("grainflow.cluster.membership.death-votes").IntType()
        .WithCheck(n => n is >= 1 and <= 100 ? null : "the number of votes must be from 1 to 100", "a whole number from 1 to 100");

    public static IReadOnlyList<ConfigOption> All { get; } =
    [
        Type, RedisConnectionString, AzureConnectionString, AzureServiceUri, ClusterId, ServiceId, SiloPort, GatewayPort, AdvertisedIp, AdvertisedSiloPort, AdvertisedGatewayPort,
        ProbeTimeout, MissedProbesLimit, DeathVotes,
    ];

    private static ConfigOption<int> Port(string key, int defaultPort) => ConfigOptions.Key(key).IntType()
        .WithCheck(p => p is >= 0 and <= 65535 ? null : "a port is from 0 to 65535", "a TCP port from 0 to 65535 (0 picks a free one)")
        .WithDefault(defaultPort);
}
