using System.Diagnostics;
using GrainFlow.Client.Connection;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Cluster.Tests.Fixtures;

/// <summary>
/// A GrainFlow cluster of separate silo processes that find each other through Redis membership
/// (a <c>redis-server</c> the fixture starts and stops), sharing one file-system store, plus a
/// cluster client that finds their gateways in the same Redis. Failure detection is tuned so a
/// killed silo is declared dead within seconds.
/// </summary>
public sealed class ProcessClusterFixture : IAsyncLifetime
{
    public const int SiloCount = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<SiloProcess> _silos = new();
    private RedisServer? _redis;
    private ClusterConnection? _connection;
    private int _started;

    public TemporaryDirectory Directory { get; } = new("grainflow-cluster");

    /// <summary>
    /// The CLI's default, so that <c>grainflow</c> started with only a gateway (as the scenario driver
    /// does) reaches this cluster; its own redis-server and ports keep it apart from any other.
    /// </summary>
    public string ClusterId { get; } = ClusterConnectionSettings.DefaultClusterId;

    public string RedisConnectionString => _redis!.ConnectionString;

    public IClusterClient Client => _connection!.Client;

    internal IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>Where every silo keeps job records and topics: one shared directory, as a shared disk would be.</summary>
    public string StoreDirectory => Directory.Combine("store");

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        for (var i = 0; i < SiloCount; i++) StartSilo();
        _connection = await ConnectAsync();
        await WaitForActiveSilosAsync(SiloCount);
    }

    /// <summary>Replaces silos an earlier test killed, so every test starts with <see cref="SiloCount"/> of them.</summary>
    public async Task EnsureAllSilosRunningAsync()
    {
        var dead = _silos.Where(s => s.HasExited).ToList();
        if (dead.Count == 0) return;
        foreach (var silo in dead)
        {
            _silos.Remove(silo);
            silo.Dispose();
            StartSilo();
        }
        await WaitForActiveSilosAsync(SiloCount);
    }

    /// <summary>Runs the <c>grainflow</c> CLI (grainflow.dll) against this cluster, as a user would.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(params string[] args)
    {
        var cli = GrainFlow.Testing.Processes.GrainFlowCli.DllPath;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { cli }.Concat(args).Concat(["--redis", RedisConnectionString, "--cluster-id", ClusterId])) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"grainflow {string.Join(' ', args)} did not exit within a minute: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The end of every silo's console output, for failure messages.</summary>
    public string Diagnostics() => string.Join(Environment.NewLine, _silos.Select(s => $"--- {s}{(s.HasExited ? " (exited)" : "")}:{Environment.NewLine}{s.Output}"));

    private void StartSilo()
    {
        var name = $"silo-{++_started}";
        _silos.Add(SiloProcess.Start(name, Directory.Combine(name), new Dictionary<string, string>
        {
            ["grainflow.cluster.type"] = "REDIS",
            ["grainflow.cluster.redis.connection-string"] = RedisConnectionString,
            ["grainflow.cluster.id"] = ClusterId,
            ["grainflow.storage.type"] = "FILE",
            ["grainflow.storage.dir"] = StoreDirectory,
            // A killed silo is declared dead after about two missed one-second probes.
            ["grainflow.cluster.membership.probe-timeout"] = "1 s",
            ["grainflow.cluster.membership.missed-probes-limit"] = "2",
        }));
    }

    private async Task<ClusterConnection> ConnectAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                return await new OrleansClusterConnector().ConnectAsync(new ClusterConnectionSettings
                {
                    RedisConnectionString = RedisConnectionString,
                    ClusterId = ClusterId,
                    ConnectTimeout = TimeSpan.FromSeconds(30),
                }, CancellationToken.None);
            }
            catch (ClusterUnreachableException) when (DateTime.UtcNow < deadline && _silos.All(s => !s.HasExited))
            {
                // No silo has listed its gateway in Redis yet.
                await Task.Delay(500);
            }
        }
    }

    private async Task WaitForActiveSilosAsync(int count)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        var management = Client.GetGrain<IManagementGrain>(0);
        while (true)
        {
            if (_silos.FirstOrDefault(s => s.HasExited) is { } exited) throw new InvalidOperationException($"{exited} exited while the cluster started:{Environment.NewLine}{Diagnostics()}");
            try
            {
                var active = await management.GetHosts(onlyActive: true);
                if (active.Keys.Count(address => _silos.Any(s => s.Is(address))) >= count) return;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // A gateway that just went or the management grain moving: ask again.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Fewer than {count} silos became active within {StartTimeout.TotalSeconds} s:{Environment.NewLine}{Diagnostics()}");
            await Task.Delay(250);
        }
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
        foreach (var silo in _silos) silo.Dispose();
        _redis?.Dispose();
        Directory.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ProcessClusterCollection : ICollectionFixture<ProcessClusterFixture>
{
    public const string Name = "process cluster";
}
