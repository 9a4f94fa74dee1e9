using GrainFlow.Configuration;
using GrainFlow.Runtime.Execution;
using GrainFlow.Silo.Rest.Endpoints;
using GrainFlow.Silo.Rest.Http;
using GrainFlow.Silo.Rest.Operations;
using GrainFlow.Silo.WebDashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Orleans;
using Orleans.Runtime;

namespace GrainFlow.Silo.Rest.Hosting;

/// <summary>
/// Runs the REST API on Kestrel inside the silo process, next to the silo it calls: a small web
/// application of its own (so the silo's host stays a plain generic host) that uses the silo's grain
/// factory. It opens when the silo becomes active and closes first on shutdown; a port it cannot bind
/// stops the silo with a message naming the key.
/// </summary>
public sealed partial class RestApiHost(RestApiOptions options, IServiceProvider siloServices, ILogger<RestApiHost> logger)
    : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The address the API answers on (with the real port when <c>rest.port</c> is 0); null before start.</summary>
    public Uri? Address { get; private set; }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RestApiHost), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = RequestBody.MaxBytes;
            kestrel.Listen(options.ListenAddress, options.Port);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(siloServices.GetRequiredService<ILoggerFactory>());
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        var time = siloServices.GetService<TimeProvider>() ?? TimeProvider.System;
        builder.Services.AddSingleton(new RestContext(
            siloServices.GetRequiredService<IGrainFactory>(),
            options,
            options.PathPolicy(),
            new AsyncOperationStore(time, options.OperationRetention),
            time));
        if (options.OrleansDashboard) builder.Services.AddOrleansDashboardPage(siloServices.GetRequiredService<IGrainFactory>());

        var app = builder.Build();
        app.UseMiddleware<ErrorResponses>();
        // Before the token: a browser's preflight carries none, and a foreign page is refused whatever it sends.
        app.UseMiddleware<CrossSiteRequestProtection>(options.AllowedHosts);
        // The dashboard's files hold no data and must load before the page can ask for the token; what it shows comes through the API below.
        app.UseWebDashboard();
        if (!string.IsNullOrWhiteSpace(options.Token)) app.UseMiddleware<BearerTokenAuthentication>(options.Token);
        // Behind the same protection as every endpoint: the scrape carries the token beyond loopback.
        if (siloServices.GetService<MeterProvider>() is { } meters)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(meters, predicate: null, path: "/metrics", configureBranchedPipeline: null, optionsName: null);
        }
        app.UseRouting();
        app.MapGrainFlowRestApi();
        if (options.OrleansDashboard) app.MapOrleansDashboardPage();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new ConfigurationValueException(RestOptions.Port.Key, options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "a free TCP port (0 picks one), or grainflow.rest.enabled=false",
                $"the REST API cannot listen on {options.ListenAddress}:{options.Port} ({e.Message})");
        }
        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        Address = bound is null ? null : new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal));
        LogListening(bound ?? $"{options.ListenAddress}:{options.Port}", options.Token is null ? "without a token" : "requiring a bearer token",
            options.PathPolicy().Enforced ? "paths under the allowed roots only" : "any path");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        _app = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "REST API listening on {Address}, {Authentication}, {Paths}")]
    private partial void LogListening(string address, string authentication, string paths);
}
