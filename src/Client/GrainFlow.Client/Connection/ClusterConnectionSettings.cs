namespace GrainFlow.Client.Connection;

/// <summary>
/// Where and how to reach the cluster: either a static gateway list or a Redis gateway list, plus
/// the ids that must match the silo's <c>ClusterOptions</c>.
/// </summary>
public sealed record ClusterConnectionSettings
{
    public const string DefaultClusterId = "grainflow";
    public const string DefaultServiceId = "grainflow";

    /// <summary>The default bound on connecting, so that an unreachable silo fails quickly.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(8);

    /// <summary>Static gateways; ignored when <see cref="RedisConnectionString"/> is set.</summary>
    public IReadOnlyList<GatewayAddress> Gateways { get; init; } = [GatewayAddress.Default];

    /// <summary>When set, gateways are read from the Redis membership table instead.</summary>
    public string? RedisConnectionString { get; init; }

    public string ClusterId { get; init; } = DefaultClusterId;

    public string ServiceId { get; init; } = DefaultServiceId;

    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>Let the Orleans client log warnings to stderr.</summary>
    public bool Verbose { get; init; }

    /// <summary>Where the client looks, for messages (never contains a Redis password).</summary>
    public string DescribeTarget() => RedisConnectionString is { } redis
        ? $"the gateways listed in Redis at {RedisEndpoints.Describe(redis)}"
        : string.Join(", ", Gateways);
}
