using System.Net;
using Microsoft.Extensions.Hosting;
using GrainFlow.Configuration;
using Orleans.Configuration;
using StackExchange.Redis;

namespace GrainFlow.Silo.Hosting;

public static class ClusterSiloBuilderExtensions
{
    /// <summary>Joins the cluster the <c>grainflow.cluster.*</c> keys describe: localhost (default) or Redis membership.</summary>
    public static ISiloBuilder UseGrainFlowCluster(this ISiloBuilder builder, GrainFlowConfiguration configuration)
    {
        var siloPort = configuration.Get(ClusterOptions.SiloPort);
        var gatewayPort = configuration.Get(ClusterOptions.GatewayPort);
        var clusterId = configuration.Get(ClusterOptions.ClusterId);
        var serviceId = configuration.Get(ClusterOptions.ServiceId);
        if (configuration.Get(ClusterOptions.Type) == ClusterType.Localhost)
        {
            return builder.UseLocalhostClustering(siloPort, gatewayPort, serviceId: serviceId, clusterId: clusterId);
        }
        var connectionString = configuration.GetOptionalString(ClusterOptions.RedisConnectionString)
            ?? throw new ConfigurationValueException(ClusterOptions.RedisConnectionString.Key, "", "a StackExchange.Redis connection string such as localhost:6379",
                $"with {ClusterOptions.Type.Key}=REDIS the Redis connection string is required");
        builder.Configure<Orleans.Configuration.ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = serviceId;
        });
        var advertised = configuration.GetOptionalString(ClusterOptions.AdvertisedAddress);
        builder.ConfigureEndpoints(advertised is null ? IPAddress.Loopback : IPAddress.Parse(advertised), siloPort, gatewayPort, listenOnAnyHostAddress: advertised is not null);
        return builder.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(connectionString));
    }
}
