using GrainFlow.Runtime.Hosting;
using GrainFlow.Configuration;
using GrainFlow.Silo.Hosting.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace GrainFlow.Silo.Rest.Hosting;

public static class RestApiSiloBuilderExtensions
{
    /// <summary>
    /// Serves the Flink-compatible REST API from this silo (Orleans' AddXxx pattern: options, a validator
    /// that refuses an unprotected API beyond loopback, and a silo lifecycle participant that opens the API once the silo is active).
    /// </summary>
    public static ISiloBuilder AddGrainFlowRestApi(this ISiloBuilder builder, Action<RestApiOptions> configure)
    {
        var options = new RestApiOptions();
        configure(options);
        builder.Services.AddSingleton(options);
        if (options.OrleansDashboard) builder.AddOrleansDashboardCollection();
        // Submissions are normalised against every key the silo reads: the REST keys are known, not job settings.
        builder.Services.AddSingleton(new KnownConfigOptions(RestOptions.All));
        builder.Services.AddSingleton<IConfigurationValidator, RestApiOptionsValidator>();
        builder.Services.AddSingleton<RestApiHost>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<RestApiHost>());
        // Its /metrics serves what the telemetry collects.
        return builder.AddGrainFlowTelemetry();
    }

    /// <summary>The REST API as the <c>rest.*</c> and <c>grainflow.rest.*</c> keys describe it; nothing when <c>grainflow.rest.enabled</c> is false.</summary>
    /// <exception cref="ConfigurationValueException">A REST key is malformed.</exception>
    public static ISiloBuilder UseGrainFlowRestApi(this ISiloBuilder builder, GrainFlowConfiguration configuration)
    {
        if (!configuration.Get(RestOptions.Enabled))
        {
            builder.Services.AddSingleton(new KnownConfigOptions(RestOptions.All));
            return builder;
        }
        var bound = RestApiOptions.From(configuration);
        return builder.AddGrainFlowRestApi(o =>
        {
            o.Port = bound.Port;
            o.BindAddress = bound.BindAddress;
            o.Token = bound.Token;
            o.AllowedRoots = bound.AllowedRoots;
            o.AllowedHosts = bound.AllowedHosts;
            o.OrleansDashboard = bound.OrleansDashboard;
        });
    }
}
