using RocksDbSharp;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// The RocksDB snapshot one capture of the backend reads, shared by its tables' snapshots. RocksDB keeps
/// every version the snapshot sees until it is released, so it is released when the capture is disposed,
/// when nothing refers to it any more (finalizer), or when the backend closes, whichever comes first.
/// </summary>
internal sealed class RocksDbSnapshotLease : IDisposable
{
    private readonly RocksDbInstance _instance;

    public RocksDbSnapshotLease(RocksDbInstance instance)
    {
        _instance = instance;
        Snapshot = instance.TakeSnapshot();
    }

    ~RocksDbSnapshotLease() => _instance.Release(Snapshot);

    public Snapshot Snapshot { get; }

    /// <summary>Runs a read of the snapshot, unless the backend was closed (then a clear error: the checkpoint declines).</summary>
    public T Read<T>(Func<Snapshot, T> read) => _instance.ReadSnapshot(() => read(Snapshot));

    public void Dispose()
    {
        _instance.Release(Snapshot);
        GC.SuppressFinalize(this);
    }
}
