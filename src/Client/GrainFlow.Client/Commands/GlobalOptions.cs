using System.CommandLine;
using GrainFlow.Client.Connection;

namespace GrainFlow.Client.Commands;

/// <summary>
/// The options every command accepts (before or after the command name): where the cluster is and
/// how much to print on errors.
/// </summary>
internal sealed class GlobalOptions
{
    public const string GatewayVariable = "GRAINFLOW_GATEWAY";
    public const string RedisVariable = "GRAINFLOW_REDIS";
    public const string ClusterIdVariable = "GRAINFLOW_CLUSTER_ID";
    public const string ServiceIdVariable = "GRAINFLOW_SERVICE_ID";

    private readonly Func<string, string?> _environment;

    public GlobalOptions(Func<string, string?> environment)
    {
        _environment = environment;

        Gateway = new Option<string?>("--gateway")
        {
            Description = $"Silo gateway(s) as host:port[,host:port...]. Default: ${GatewayVariable}, else {GatewayAddress.Default}.",
            HelpName = "host:port",
            Recursive = true,
        };
        Redis = new Option<string?>("--redis")
        {
            Description = $"Find the gateways in this Redis (StackExchange.Redis connection string) instead. Default: ${RedisVariable}.",
            HelpName = "connection-string",
            Recursive = true,
        };
        ClusterId = new Option<string>("--cluster-id")
        {
            Description = $"The silo's ClusterOptions.ClusterId (environment: {ClusterIdVariable}).",
            HelpName = "id",
            Recursive = true,
            DefaultValueFactory = _ => NonEmpty(_environment(ClusterIdVariable)) ?? ClusterConnectionSettings.DefaultClusterId,
        };
        ServiceId = new Option<string>("--service-id")
        {
            Description = $"The silo's ClusterOptions.ServiceId (environment: {ServiceIdVariable}).",
            HelpName = "id",
            Recursive = true,
            DefaultValueFactory = _ => NonEmpty(_environment(ServiceIdVariable)) ?? ClusterConnectionSettings.DefaultServiceId,
        };
        Verbose = new Option<bool>("--verbose")
        {
            Description = "On errors print stack traces; let the Orleans client log warnings to stderr.",
            Recursive = true,
        };
    }

    public Option<string?> Gateway { get; }

    public Option<string?> Redis { get; }

    public Option<string> ClusterId { get; }

    public Option<string> ServiceId { get; }

    public Option<bool> Verbose { get; }

    public IEnumerable<Option> All => [Gateway, Redis, ClusterId, ServiceId, Verbose];

    /// <summary>
    /// Where to connect. Precedence: --redis, --gateway, $GRAINFLOW_REDIS, $GRAINFLOW_GATEWAY, 127.0.0.1:30000.
    /// </summary>
    /// <exception cref="CliUsageException">A gateway or the Redis connection string is malformed, or both options are given.</exception>
    public ClusterConnectionSettings ToSettings(ParseResult parseResult)
    {
        var gatewayOption = NonEmpty(parseResult.GetValue(Gateway));
        var redisOption = NonEmpty(parseResult.GetValue(Redis));
        if (gatewayOption is not null && redisOption is not null)
        {
            throw new CliUsageException("Use either --gateway or --redis, not both.");
        }

        var redis = redisOption ?? (gatewayOption is null ? NonEmpty(_environment(RedisVariable)) : null);
        var settings = new ClusterConnectionSettings
        {
            ClusterId = RequireId(parseResult.GetValue(ClusterId), "--cluster-id"),
            ServiceId = RequireId(parseResult.GetValue(ServiceId), "--service-id"),
            Verbose = parseResult.GetValue(Verbose),
        };

        if (redis is not null)
        {
            try
            {
                RedisEndpoints.Parse(redis);
            }
            catch (ArgumentException exception)
            {
                var source = redisOption is not null ? "--redis" : $"${RedisVariable}";
                throw new CliUsageException($"Invalid Redis connection string in {source}: {ConnectionFailures.OneLine(exception.Message)}.");
            }
            return settings with { RedisConnectionString = redis };
        }

        var gatewayText = gatewayOption ?? NonEmpty(_environment(GatewayVariable));
        if (gatewayText is null) return settings;

        var gateways = new List<GatewayAddress>();
        foreach (var part in gatewayText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!GatewayAddress.TryParse(part, out var address, out var error))
            {
                var source = gatewayOption is not null ? "--gateway" : $"${GatewayVariable}";
                throw new CliUsageException($"{error} (from {source})");
            }
            gateways.Add(address);
        }
        return gateways.Count == 0 ? settings : settings with { Gateways = gateways };
    }

    private static string RequireId(string? value, string option) =>
        NonEmpty(value) ?? throw new CliUsageException($"{option} must not be empty.");

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
