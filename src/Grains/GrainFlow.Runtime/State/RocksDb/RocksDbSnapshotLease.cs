using RocksDbSharp;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// The RocksDB snapshot one capture of the backend reads, shared by its tables' snapshots. RocksDB keeps
/// every version the snapshot sees until it is released, so it is released as soon as every table snapshot
/// of the capture was disposed, when nothing refers to it any more (finalizer), or when the backend closes,
/// whichever comes first. A read after that fails instead of reading the live state.
/// </summary>
internal sealed class RocksDbSnapshotLease
{
    private readonly RocksDbInstance _instance;
    private readonly Snapshot _snapshot;
    private int _holders;

    public RocksDbSnapshotLease(RocksDbInstance instance)
    {
        _instance = instance;
        _snapshot = instance.TakeSnapshot();
    }

    ~RocksDbSnapshotLease() => _instance.Release(_snapshot);

    /// <summary>One more table snapshot reads this lease; each calls <see cref="Return"/> when disposed.</summary>
    public void Hold() => Interlocked.Increment(ref _holders);

    public void Return()
    {
        if (Interlocked.Decrement(ref _holders) > 0) return;
        _instance.Release(_snapshot);
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs a read of the snapshot, unless it or the backend was released (then a clear error: the checkpoint declines).</summary>
    public T Read<T>(Func<Snapshot, T> read) => _instance.ReadSnapshot(_snapshot, () => read(_snapshot));
}
