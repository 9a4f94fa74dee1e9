using System.CommandLine;
using GrainFlow.Client.Connection;
using GrainFlow.Storage.AzureTable;

namespace GrainFlow.Client.Commands;

/// <summary>
/// The options every command accepts (before or after the command name): where the cluster is and
/// how much to print on errors.
/// </summary>
internal sealed class GlobalOptions
{
    public const string GatewayVariable = "GRAINFLOW_GATEWAY";
    public const string RedisVariable = "GRAINFLOW_REDIS";
    public const string AzureTableVariable = "GRAINFLOW_AZURE_TABLE";
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
        AzureTable = new Option<string?>("--azure-table")
        {
            Description = $"Find the gateways in Orleans' Azure Storage membership table instead: {AzureTableServiceClients.AcceptedForms}. Default: ${AzureTableVariable}.",
            HelpName = "endpoint-or-connection-string",
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

    public Option<string?> AzureTable { get; }

    public Option<string> ClusterId { get; }

    public Option<string> ServiceId { get; }

    public Option<bool> Verbose { get; }

    public IEnumerable<Option> All => [Gateway, Redis, AzureTable, ClusterId, ServiceId, Verbose];

    /// <summary>
    /// Where to connect. Precedence: --redis, --azure-table, --gateway, $GRAINFLOW_REDIS, $GRAINFLOW_AZURE_TABLE, $GRAINFLOW_GATEWAY, 127.0.0.1:30000.
    /// </summary>
    /// <exception cref="CliUsageException">A gateway, the Redis connection string or the Azure table is malformed, or more than one of these options is given.</exception>
    public ClusterConnectionSettings ToSettings(ParseResult parseResult)
    {
        var gatewayOption = NonEmpty(parseResult.GetValue(Gateway));
        var redisOption = NonEmpty(parseResult.GetValue(Redis));
        var tableOption = NonEmpty(parseResult.GetValue(AzureTable));
        if (new[] { gatewayOption, redisOption, tableOption }.Count(o => o is not null) > 1)
        {
            throw new CliUsageException("Use one of --gateway, --redis and --azure-table, not several.");
        }

        var anyOption = gatewayOption ?? redisOption ?? tableOption;
        var redis = redisOption ?? (anyOption is null ? NonEmpty(_environment(RedisVariable)) : null);
        var table = tableOption ?? (anyOption is null && redis is null ? NonEmpty(_environment(AzureTableVariable)) : null);
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

        if (table is not null)
        {
            try
            {
                return settings with { AzureTable = AzureTableServiceClients.Create(table) };
            }
            catch (ArgumentException exception)
            {
                var source = tableOption is not null ? "--azure-table" : $"${AzureTableVariable}";
                throw new CliUsageException($"Invalid Azure table in {source}: {ConnectionFailures.OneLine(exception.Message)}. Use {AzureTableServiceClients.AcceptedForms}.");
            }
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
