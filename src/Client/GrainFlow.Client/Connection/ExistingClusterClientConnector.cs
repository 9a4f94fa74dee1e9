namespace GrainFlow.Client.Connection;

/// <summary>
/// Uses a client that is already connected (for example a TestCluster's client). The settings are
/// ignored and the client is never stopped or disposed by the CLI: its owner keeps it.
/// </summary>
public sealed class ExistingClusterClientConnector(IClusterClient client) : IClusterConnector
{
    private readonly IClusterClient _client = client ?? throw new ArgumentNullException(nameof(client));

    public Task<ClusterConnection> ConnectAsync(ClusterConnectionSettings settings, CancellationToken cancellationToken) =>
        Task.FromResult(new ClusterConnection(_client));
}
