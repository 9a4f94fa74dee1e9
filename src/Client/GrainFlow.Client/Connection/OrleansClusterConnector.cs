using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Clustering.AzureStorage;
using Orleans.Configuration;
using Orleans.Messaging;

namespace GrainFlow.Client.Connection;

/// <summary>
/// Builds and starts an Orleans client host for one command (no connection retry filter, console
/// logging off unless verbose, no console lifetime). Orleans keeps retrying a gateway that refuses
/// connections until its start is cancelled, so connecting is bounded twice: when the start takes
/// longer than <see cref="ProbeAfter"/>, a plain TCP probe of the gateways fails it at once if none
/// accepts a connection ("Connection refused"); and the whole start is cancelled after
/// <see cref="ClusterConnectionSettings.ConnectTimeout"/>. Either way the result is a
/// <see cref="ClusterUnreachableException"/>.
/// </summary>
public sealed class OrleansClusterConnector : IClusterConnector
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MaxOpenConnectionTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A local silo usually accepts the client well within this; after it, the gateways are probed.</summary>
    private static readonly TimeSpan ProbeAfter = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public async Task<ClusterConnection> ConnectAsync(ClusterConnectionSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var target = settings.DescribeTarget();

        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(settings.ConnectTimeout);

        IHost? host = null;
        var gatewayAccepted = false;
        try
        {
            var gateways = !settings.ListsGateways
                ? await ResolveGatewaysAsync(settings, target, connectTimeout.Token).ConfigureAwait(false)
                : [];
            host = BuildHost(settings, gateways);
            var start = host.StartAsync(connectTimeout.Token);
            await Task.WhenAny(start, Task.Delay(ProbeAfter, connectTimeout.Token)).ConfigureAwait(false);
            if (!start.IsCompleted)
            {
                var probed = !settings.ListsGateways ? gateways : await ListedGatewaysAsync(host, connectTimeout.Token).ConfigureAwait(false);
                var probeTimeout = settings.ConnectTimeout < ProbeTimeout ? settings.ConnectTimeout : ProbeTimeout;
                if (await GatewayProbe.FindReasonNoneAcceptsAsync(probed, probeTimeout, connectTimeout.Token).ConfigureAwait(false) is { } reason)
                {
                    throw new ClusterUnreachableException(target, reason);
                }
                gatewayAccepted = probed.Length > 0;
            }

            await start.WaitAsync(connectTimeout.Token).ConfigureAwait(false);
            var started = host;
            return new ClusterConnection(started.Services.GetRequiredService<IClusterClient>(), () => StopHostAsync(started));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await connectTimeout.CancelAsync().ConfigureAwait(false);
            await StopHostAsync(host).ConfigureAwait(false);
            var seconds = settings.ConnectTimeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
            throw new ClusterUnreachableException(target, gatewayAccepted
                // Something listens, yet Orleans' handshake never completes: most often a silo of another cluster.
                ? $"the gateway accepts connections but the Orleans handshake did not complete within {seconds} s; check that cluster id '{settings.ClusterId}' matches the silo's grainflow.cluster.id"
                : $"no answer within {seconds} s");
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not ClusterUnreachableException)
        {
            await connectTimeout.CancelAsync().ConfigureAwait(false);
            await StopHostAsync(host).ConfigureAwait(false);
            throw new ClusterUnreachableException(target, ConnectionFailures.ShortReason(exception), exception);
        }
        catch
        {
            await connectTimeout.CancelAsync().ConfigureAwait(false);
            await StopHostAsync(host).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<IPEndPoint[]> ResolveGatewaysAsync(ClusterConnectionSettings settings, string target, CancellationToken cancellationToken)
    {
        var endpoints = new IPEndPoint[settings.Gateways.Count];
        for (var i = 0; i < endpoints.Length; i++)
        {
            var gateway = settings.Gateways[i];
            try
            {
                endpoints[i] = await gateway.ResolveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException exception)
            {
                throw new ClusterUnreachableException(target, $"cannot resolve host '{gateway.Host}': {ConnectionFailures.OneLine(exception.Message)}", exception);
            }
        }
        return endpoints;
    }

    /// <summary>The gateways the membership table lists (empty if it cannot be read yet).</summary>
    private static async Task<IPEndPoint[]> ListedGatewaysAsync(IHost host, CancellationToken cancellationToken)
    {
        try
        {
            var provider = host.Services.GetRequiredService<IGatewayListProvider>();
            var uris = await provider.GetGatewaysAsync(cancellationToken).ConfigureAwait(false);
            return uris.Select(uri => IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) ? new IPEndPoint(address, uri.Port) : null)
                .OfType<IPEndPoint>()
                .ToArray();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Without a list there is nothing to probe; Orleans' own start reports the problem.
            return [];
        }
    }

    private static IHost BuildHost(ClusterConnectionSettings settings, IPEndPoint[] gateways)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "grainflow" });
        builder.Services.Replace(ServiceDescriptor.Singleton<IHostLifetime, PassiveHostLifetime>());

        builder.Logging.ClearProviders();
        if (settings.Verbose)
        {
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }

        var openTimeout = settings.ConnectTimeout < MaxOpenConnectionTimeout ? settings.ConnectTimeout : MaxOpenConnectionTimeout;
        builder.UseOrleansClient(client =>
        {
            if (settings.RedisConnectionString is { } redis)
            {
                client.UseRedisClustering(o => o.ConfigurationOptions = RedisEndpoints.Parse(redis));
            }
            else if (settings.AzureTable is { } table)
            {
                client.UseAzureStorageClustering((AzureStorageGatewayOptions o) => o.TableServiceClient = table);
            }
            else
            {
                client.UseStaticClustering(gateways);
            }

            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            client.Configure<ConnectionOptions>(o => o.OpenConnectionTimeout = openTimeout);
        });
        return builder.Build();
    }

    private static async ValueTask StopHostAsync(IHost? host)
    {
        if (host is null) return;
        using var stopTimeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await host.StopAsync(stopTimeout.Token).WaitAsync(stopTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: the command's outcome is already decided; a slow or failed stop must not hide it.
        }

        try
        {
            if (host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().AsTask().WaitAsync(stopTimeout.Token).ConfigureAwait(false);
            }
            else
            {
                host.Dispose();
            }
        }
        catch (Exception)
        {
            // Same as above: disposal is best effort when the process is about to exit.
        }
    }
}
