using GrainFlow.Client.Connection;

namespace GrainFlow.Client.Tests;

/// <summary>A connector for tests that must fail before any cluster call: it records and refuses every connect.</summary>
internal sealed class NoClusterConnector : IClusterConnector
{
    public int Attempts { get; private set; }

    public Task<ClusterConnection> ConnectAsync(ClusterConnectionSettings settings, CancellationToken cancellationToken)
    {
        Attempts++;
        throw new InvalidOperationException("This test expected the command to fail before connecting to a cluster.");
    }
}
