using Azure.Data.Tables;

namespace GrainFlow.Client.Connection;

/// <summary>
/// Where and how to reach the cluster: a static gateway list, or the gateways listed in Redis or an Azure table, plus
/// the ids that must match the silo's <c>ClusterOptions</c>.
/// </summary>
public sealed record ClusterConnectionSettings
{
    public const string DefaultClusterId = "grainflow";
    public const string DefaultServiceId = "grainflow";

    /// <summary>The default bound on connecting, so that an unreachable silo fails quickly.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(8);

    /// <summary>Static gateways; ignored when <see cref="RedisConnectionString"/> or <see cref="AzureTable"/> is set.</summary>
    public IReadOnlyList<GatewayAddress> Gateways { get; init; } = [GatewayAddress.Default];

    /// <summary>When set, gateways are read from the Redis membership table instead.</summary>
    public string? RedisConnectionString { get; init; }

    /// <summary>When set, gateways are read from Orleans' Azure Storage membership table in this account.</summary>
    public TableServiceClient? AzureTable { get; init; }

    /// <summary>Whether the gateways come from a membership table rather than a static list.</summary>
    public bool ListsGateways => RedisConnectionString is not null || AzureTable is not null;

    public string ClusterId { get; init; } = DefaultClusterId;

    public string ServiceId { get; init; } = DefaultServiceId;

    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>Let the Orleans client log warnings to stderr.</summary>
    public bool Verbose { get; init; }

    /// <summary>Where the client looks, for messages (never contains a Redis password or an account key).</summary>
    public string DescribeTarget() => (RedisConnectionString, AzureTable) switch
    {
        ({ } redis, _) => $"the gateways listed in Redis at {RedisEndpoints.Describe(redis)}",
        (_, { } table) => $"the gateways listed in the Azure table service at {table.Uri.GetLeftPart(UriPartial.Path)}",
        _ => string.Join(", ", Gateways),
    };
}
