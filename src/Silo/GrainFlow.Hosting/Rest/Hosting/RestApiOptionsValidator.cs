using System.Net;
using Orleans;
using Orleans.Runtime;

namespace GrainFlow.Silo.Rest.Hosting;

/// <summary>
/// Refuses to start a silo whose REST API would be reachable from other machines without a bearer
/// token, or whose settings cannot be served.
/// </summary>
public sealed class RestApiOptionsValidator(RestApiOptions options) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var problems = Problems(options);
        if (problems.Count > 0) throw new OrleansConfigurationException(string.Join(Environment.NewLine, problems));
    }

    public static IReadOnlyList<string> Problems(RestApiOptions options)
    {
        var problems = new List<string>();
        if (options.Port is < 0 or > 65535) problems.Add($"rest.port {options.Port} is not a TCP port (0 to 65535; 0 picks a free one).");
        if (options.BindAddress != "localhost" && !IPAddress.TryParse(options.BindAddress, out _))
        {
            problems.Add($"rest.bind-address '{options.BindAddress}' is not an IP address (use 127.0.0.1, 0.0.0.0 or another local address).");
        }
        else if (!options.IsLoopback && string.IsNullOrWhiteSpace(options.Token))
        {
            problems.Add($"The REST API would listen on {options.BindAddress}, beyond loopback, without a token: set grainflow.rest.token " +
                "(clients then send 'Authorization: Bearer <token>') and grainflow.rest.allowed-roots, or bind to 127.0.0.1.");
        }
        if (RestApiOptions.HostNameProblem(string.Join(';', options.AllowedHosts)) is { } host) problems.Add($"grainflow.rest.allowed-hosts: {host}.");
        foreach (var root in options.AllowedRoots)
        {
            if (!Paths.StorageLocation.TryParse(root, out _, out var problem)) problems.Add($"grainflow.rest.allowed-roots: '{root}' is unusable: {problem}.");
        }
        return problems;
    }

    /// <summary>
    /// Whether the port can be bound now, so a silo started with a busy port stops before it joins the
    /// cluster, with one line; Kestrel's own bind failure at start remains the final word.
    /// </summary>
    public static string? PortProblem(RestApiOptions options) =>
        Silo.Hosting.StartupPortCheck.Busy(options.ListenAddress, options.Port) is { } reason
            ? $"Invalid value '{options.Port}' for configuration key 'rest.port': the REST API cannot listen on {options.ListenAddress}:{options.Port} ({reason}). " +
              "Accepted: a free TCP port (0 picks one), or grainflow.rest.enabled=false."
            : null;
}
