using System.Net;
using GrainFlow.Configuration;

namespace GrainFlow.Silo.Rest.Hosting;

/// <summary>How the silo serves the Flink-compatible REST API (bound from the <see cref="RestOptions"/> keys).</summary>
public sealed class RestApiOptions
{
    public int Port { get; set; } = RestOptions.DefaultPort;

    /// <summary>The address Kestrel binds: loopback by default; 0.0.0.0 or another address exposes the API.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The bearer token every request must carry; required beyond loopback, enforced whenever set.</summary>
    public string? Token { get; set; }

    /// <summary>Roots savepoint, restore and dispose paths must lie under (enforced when any is given, and always beyond loopback).</summary>
    public IReadOnlyList<string> AllowedRoots { get; set; } = [];

    /// <summary>Host names (besides loopback and the API's own address) a request's <c>Host</c> may carry.</summary>
    public IReadOnlyList<string> AllowedHosts { get; set; } = [];

    /// <summary>How long the outcome of a disposal or manual checkpoint stays queryable (Flink's <c>rest.async.store-duration</c>).</summary>
    public TimeSpan OperationRetention { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether Orleans' dashboard is served under <see cref="OrleansDashboardHosting.Path"/>.</summary>
    public bool OrleansDashboard { get; set; }

    public bool IsLoopback => BindAddress == "localhost" || (IPAddress.TryParse(BindAddress, out var address) && IPAddress.IsLoopback(address));

    public IPAddress ListenAddress => BindAddress == "localhost" ? IPAddress.Loopback : IPAddress.Parse(BindAddress);

    /// <exception cref="ConfigurationValueException">A REST key is malformed.</exception>
    public static RestApiOptions From(GrainFlowConfiguration configuration)
    {
        var problems = configuration.Validate(RestOptions.All);
        if (problems.Count > 0) throw new ConfigurationValueException(problems);
        return new RestApiOptions
        {
            Port = configuration.Get(RestOptions.Port),
            BindAddress = configuration.Get(RestOptions.BindAddress),
            Token = configuration.GetOptionalString(RestOptions.Token)?.Trim(),
            AllowedRoots = GrainFlow.Paths.AllowedRoots.Split(configuration.GetOptionalString(RestOptions.AllowedRoots)),
            AllowedHosts = SplitHosts(configuration.GetOptionalString(RestOptions.AllowedHosts)),
            OrleansDashboard = configuration.Get(RestOptions.OrleansDashboardEnabled),
        };
    }

    /// <summary>Splits the value of <c>grainflow.rest.allowed-hosts</c>.</summary>
    public static IReadOnlyList<string> SplitHosts(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Why a value of <c>grainflow.rest.allowed-hosts</c> is not a list of host names, or null when it is.</summary>
    public static string? HostNameProblem(string value) =>
        SplitHosts(value).FirstOrDefault(h => Uri.CheckHostName(h.Trim('[', ']')) == UriHostNameType.Unknown) is { } bad
            ? $"'{bad}' is not a host name (give names or addresses without scheme, port or path)"
            : null;

    public GrainFlow.Paths.AllowedRoots PathPolicy() => GrainFlow.Paths.AllowedRoots.From(AllowedRoots, enforce: !IsLoopback);
}
