namespace GrainFlow.Client.Connection;

/// <summary>
/// Hands a command a connected <see cref="IClusterClient"/>. The CLI's default is
/// <see cref="OrleansClusterConnector"/> (starts an Orleans client host, bounded in time); tests pass
/// <see cref="ExistingClusterClientConnector"/> around a client they already own.
/// </summary>
public interface IClusterConnector
{
    /// <summary>Connects to the cluster the settings describe.</summary>
    /// <exception cref="ClusterUnreachableException">No silo answered within the connect timeout.</exception>
    Task<ClusterConnection> ConnectAsync(ClusterConnectionSettings settings, CancellationToken cancellationToken);
}
