using System.Net;
using GrainFlow.Configuration;

namespace GrainFlow.Silo.Rest.Hosting;

/// <summary>
/// The REST API's configuration keys: Flink's <c>rest.port</c> and <c>rest.bind-address</c>
/// (alias <c>rest.address</c>), plus GrainFlow's protection keys.
/// </summary>
public static class RestOptions
{
    public const int DefaultPort = 8081;

    public static readonly ConfigOption<bool> Enabled = ConfigOptions.Key("grainflow.rest.enabled").BoolType()
        .WithDescription("Whether the silo serves the REST API.")
        .WithDefault(true);

    /// <summary>0 binds a free port (as Flink's <c>rest.bind-port: 0</c>); the silo logs the address it got.</summary>
    public static readonly ConfigOption<int> Port = ConfigOptions.Key("rest.port").IntType()
        .WithDeprecatedKeys("rest.bind-port")
        .WithCheck(p => p is >= 0 and <= 65535 ? null : "a port is from 0 to 65535", "a TCP port from 0 to 65535 (0 picks a free one)")
        .WithDefault(DefaultPort);

    public static readonly ConfigOption<string> BindAddress = ConfigOptions.Key("rest.bind-address").StringType()
        .WithDeprecatedKeys("rest.address")
        .WithCheck(a => a == "localhost" || IPAddress.TryParse(a, out _) ? null : "the bind address must be an IP address or localhost",
            "an IP address such as 127.0.0.1 (loopback, the default) or 0.0.0.0 (every interface), or localhost")
        .WithDefault("127.0.0.1");

    /// <summary>Required when the API listens beyond loopback; then every request needs <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public static readonly ConfigOption<string> Token = ConfigOptions.Key("grainflow.rest.token").StringType()
        .WithCheck(t => t.Trim().Length >= 16 ? null : "the token is too short to resist guessing", "a secret of at least 16 characters");

    /// <summary>
    /// Where savepoint, restore and dispose paths given through the API may point, separated by ';'.
    /// Required beyond loopback; optional (and then enforced) on loopback.
    /// </summary>
    public static readonly ConfigOption<string> AllowedRoots = ConfigOptions.Key("grainflow.rest.allowed-roots").StringType()
        .WithCheck(r => GrainFlow.Paths.AllowedRoots.Problem(r), "absolute paths, file:// URLs or blob URLs separated by ';' (e.g. /data/savepoints;https://acct.blob.core.windows.net/savepoints)");

    /// <summary>
    /// Host names, separated by ';', by which clients may reach the API besides localhost and its own address
    /// (the name of the machine or of a proxy in front of it); any other <c>Host</c> is refused, against DNS rebinding.
    /// </summary>
    public static readonly ConfigOption<string> AllowedHosts = ConfigOptions.Key("grainflow.rest.allowed-hosts").StringType()
        .WithCheck(h => RestApiOptions.HostNameProblem(h), "host names or IP addresses separated by ';', without ports (e.g. grainflow.example.com;10.0.0.4)");

    /// <summary>Orleans' dashboard (grain-level health) on the REST port under /orleans-dashboard/; off by default, as it profiles every grain call.</summary>
    public static readonly ConfigOption<bool> OrleansDashboardEnabled = ConfigOptions.Key("grainflow.orleans-dashboard.enabled").BoolType()
        .WithDescription("Whether the REST port also serves Orleans' dashboard under /orleans-dashboard/.")
        .WithDefault(false);

    public static IReadOnlyList<ConfigOption> All { get; } = [Enabled, Port, BindAddress, Token, AllowedRoots, AllowedHosts, OrleansDashboardEnabled];
}
