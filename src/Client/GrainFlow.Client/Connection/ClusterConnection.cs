namespace GrainFlow.Client.Connection;

/// <summary>
/// A connected client for the duration of one command. Disposing it releases what the connector
/// created for it (nothing, for a client the caller owns).
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly Func<ValueTask>? _release;
    private int _disposed;

    public ClusterConnection(IClusterClient client, Func<ValueTask>? release = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
        _release = release;
    }

    public IClusterClient Client { get; }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _release is null) return ValueTask.CompletedTask;
        return _release();
    }
}
