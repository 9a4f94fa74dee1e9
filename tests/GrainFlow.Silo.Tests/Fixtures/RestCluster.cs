using System.Net.Http.Headers;
using GrainFlow.Silo.Rest.Hosting;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace GrainFlow.Silo.Tests.Fixtures;

/// <summary>
/// An in-process GrainFlow cluster (one silo, filesystem store) whose silo serves the REST API on a
/// free port, and an HTTP client for it: the API as a user reaches it, over real HTTP.
/// </summary>
public sealed class RestCluster : IAsyncDisposable
{
    private RestCluster(TemporaryDirectory directory, GrainFlowTestCluster cluster, HttpClient http)
    {
        Directory = directory;
        Cluster = cluster;
        Http = http;
    }

    public TemporaryDirectory Directory { get; }

    public GrainFlowTestCluster Cluster { get; }

    /// <summary>Addresses the API; carries the token when one is configured.</summary>
    public HttpClient Http { get; }

    /// <param name="configure">Adjusts the REST options (port 0 and loopback are preset).</param>
    /// <param name="configuration">Cluster-wide GrainFlow keys (every job's settings are laid over them).</param>
    public static async Task<RestCluster> StartAsync(Action<RestApiOptions>? configure = null, string prefix = "grainflow-rest",
        IReadOnlyDictionary<string, string>? configuration = null)
    {
        var directory = new TemporaryDirectory(prefix);
        string? token = null;
        var cluster = await GrainFlowTestCluster.StartAsync(
            new FileSystemObjectStore(directory.Combine("store")),
            configureSilo: silo => silo.AddGrainFlowRestApi(o =>
            {
                o.Port = 0;
                configure?.Invoke(o);
                token = o.Token;
            }),
            configuration: configuration);
        var host = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<RestApiHost>();
        var address = host.Address ?? throw new InvalidOperationException("The REST API did not report its address.");
        // Bound to every interface, the API is still reached through loopback here.
        var baseAddress = new UriBuilder(address) { Host = "127.0.0.1" }.Uri;
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new RestCluster(directory, cluster, http);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Cluster.DisposeAsync();
        Directory.Dispose();
    }
}
