using Microsoft.Extensions.DependencyInjection;
using GrainFlow.Runtime.Hosting;
using System.Net;
using Microsoft.Extensions.Hosting;
using GrainFlow.Configuration;
using Orleans.Clustering.AzureStorage;
using Orleans.Configuration;
using Azure.Data.Tables;
using GrainFlow.Storage.AzureTable;
using StackExchange.Redis;

namespace GrainFlow.Silo.Hosting;

public static class ClusterSiloBuilderExtensions
{
    /// <summary>Joins the cluster the <c>grainflow.cluster.*</c> keys describe: localhost (default), Redis or Azure Table membership.</summary>
    public static ISiloBuilder UseGrainFlowCluster(this ISiloBuilder builder, GrainFlowConfiguration configuration)
    {
        // Submissions are normalised against every key the silo reads: these are not job settings, but known.
        builder.Services.AddSingleton(new KnownConfigOptions(ClusterOptions.All));
        var siloPort = configuration.Get(ClusterOptions.SiloPort);
        var gatewayPort = configuration.Get(ClusterOptions.GatewayPort);
        var clusterId = configuration.Get(ClusterOptions.ClusterId);
        var serviceId = configuration.Get(ClusterOptions.ServiceId);
        ConfigureFailureDetection(builder, configuration);
        if (configuration.Get(ClusterOptions.Type) == ClusterType.Localhost)
        {
            return builder.UseLocalhostClustering(siloPort, gatewayPort, serviceId: serviceId, clusterId: clusterId);
        }
        var useMembership = MembershipChoice(configuration);
        builder.Configure<Orleans.Configuration.ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = serviceId;
        });
        var advertised = configuration.GetOptionalString(ClusterOptions.AdvertisedIp);
        if (advertised is null)
        {
            builder.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
        }
        else
        {
            // Listen on every local address at the configured ports; tell the cluster the address and
            // ports through which this silo is reached (they differ behind a Container App ingress).
            var advertisedSiloPort = configuration.Get(ClusterOptions.AdvertisedSiloPort);
            var advertisedGatewayPort = configuration.Get(ClusterOptions.AdvertisedGatewayPort);
            builder.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = IPAddress.Parse(advertised);
                o.SiloPort = advertisedSiloPort > 0 ? advertisedSiloPort : siloPort;
                o.GatewayPort = advertisedGatewayPort > 0 ? advertisedGatewayPort : gatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, siloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, gatewayPort);
            });
        }
        return useMembership(builder);
    }

    /// <summary>The membership table the keys choose, checked before anything is configured.</summary>
    /// <exception cref="ConfigurationValueException">The chosen table's keys are missing or malformed.</exception>
    private static Func<ISiloBuilder, ISiloBuilder> MembershipChoice(GrainFlowConfiguration configuration)
    {
        if (configuration.Get(ClusterOptions.Type) == ClusterType.Redis)
        {
            var redis = configuration.GetOptionalString(ClusterOptions.RedisConnectionString)
                ?? throw new ConfigurationValueException(ClusterOptions.RedisConnectionString.Key, "", "a StackExchange.Redis connection string such as localhost:6379",
                    $"with {ClusterOptions.Type.Key}=REDIS the Redis connection string is required");
            return b => b.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        }
        var table = AzureTableClient(configuration);
        return b => b.UseAzureStorageClustering((AzureStorageClusteringOptions o) => o.TableServiceClient = table);
    }

    private static TableServiceClient AzureTableClient(GrainFlowConfiguration configuration)
    {
        var connectionString = configuration.GetOptionalString(ClusterOptions.AzureConnectionString);
        var serviceUri = configuration.GetOptionalString(ClusterOptions.AzureServiceUri);
        var (key, value) = (connectionString, serviceUri) switch
        {
            (not null, not null) => throw new ConfigurationValueException(ClusterOptions.AzureServiceUri.Key, serviceUri, AzureTableServiceClients.AcceptedForms,
                $"set either {ClusterOptions.AzureConnectionString.Key} or {ClusterOptions.AzureServiceUri.Key}, not both"),
            (not null, null) => (ClusterOptions.AzureConnectionString.Key, connectionString),
            (null, not null) => (ClusterOptions.AzureServiceUri.Key, serviceUri),
            _ => throw new ConfigurationValueException(ClusterOptions.AzureServiceUri.Key, "", AzureTableServiceClients.AcceptedForms,
                $"with {ClusterOptions.Type.Key}=AZURE_STORAGE set {ClusterOptions.AzureServiceUri.Key} (signs in with DefaultAzureCredential) or {ClusterOptions.AzureConnectionString.Key}"),
        };
        try
        {
            return AzureTableServiceClients.Create(value);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationValueException(key, connectionString is null ? value : "(hidden)", AzureTableServiceClients.AcceptedForms, e.Message);
        }
    }

    /// <summary>The <c>grainflow.cluster.membership.*</c> keys that are set override Orleans' failure-detection defaults.</summary>
    private static void ConfigureFailureDetection(ISiloBuilder builder, GrainFlowConfiguration configuration)
    {
        var probeTimeout = configuration.GetOptional(ClusterOptions.ProbeTimeout);
        var missedProbes = configuration.GetOptional(ClusterOptions.MissedProbesLimit);
        var deathVotes = configuration.GetOptional(ClusterOptions.DeathVotes);
        if (probeTimeout is null && missedProbes is null && deathVotes is null) return;
        builder.Configure<ClusterMembershipOptions>(o =>
        {
            if (probeTimeout is { } timeout) o.ProbeTimeout = timeout;
            if (missedProbes is { } limit) o.NumMissedProbesLimit = limit;
            if (deathVotes is { } votes) o.NumVotesForDeathDeclaration = votes;
        });
    }
}
