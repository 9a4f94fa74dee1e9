using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Dashboard;
using Orleans.Hosting;

namespace GrainFlow.Silo.Rest.Hosting;

/// <summary>
/// Orleans' own dashboard (<c>Microsoft.Orleans.Dashboard</c>) on the REST port under <see cref="Path"/>, when
/// <c>grainflow.orleans-dashboard.enabled</c> is true: the silo collects grain statistics (<c>AddDashboard</c>)
/// and the REST host serves the dashboard's page and API the way the package hosts it beside an Orleans client,
/// through the silo's grain factory.
/// </summary>
public static class OrleansDashboardHosting
{
    public const string Path = "/orleans-dashboard";

    /// <summary>The silo side: the dashboard's grains, grain service and call profiling.</summary>
    public static ISiloBuilder AddOrleansDashboardCollection(this ISiloBuilder silo) => silo.AddDashboard();

    /// <summary>The web side, in the REST host's own services.</summary>
    public static void AddOrleansDashboardPage(this IServiceCollection services, IGrainFactory grains)
    {
        services.AddSingleton(grains);
        // The live log stream would show nothing here: the REST host's loggers are the silo's, and the
        // package's log tap is only wired into a host that builds its own logging.
        new RestHostClientBuilder(services).AddDashboard(o => o.HideTrace = true);
    }

    public static void MapOrleansDashboardPage(this WebApplication app) => app.MapOrleansDashboard(Path);

    /// <summary>The package registers its web services on an <see cref="IClientBuilder"/>; this one is the REST host's service collection.</summary>
    private sealed class RestHostClientBuilder(IServiceCollection services) : IClientBuilder
    {
        public IServiceCollection Services { get; } = services;

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }
}
