using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// A state of the RocksDB backend as of a capture, written per key group in exactly the heap's format
/// (<see cref="KeyedStateFormat"/>: same state name, same codecs, same entries), so a checkpoint or a
/// savepoint taken from RocksDB restores into the heap and the other way round. Reads a RocksDB snapshot,
/// so writes after the capture are not in it, and it can be written on another thread. Disposing it (once
/// written) lets RocksDB drop the versions only the snapshot still needed.
/// </summary>
internal sealed class RocksDbStateTableSnapshot<TStateKey, TValue> : IStateTableSnapshot, IDisposable
    where TStateKey : notnull
{
    private readonly RocksDbStateTable<TStateKey, TValue> _table;
    private readonly RocksDbSnapshotLease _lease;
    private int _disposed;

    // The format asks each key group's count before (and while) writing it: counted once per key group.
    private (int KeyGroup, int Count) _lastCount = (-1, 0);

    public RocksDbStateTableSnapshot(RocksDbStateTable<TStateKey, TValue> table, RocksDbSnapshotLease lease)
    {
        _table = table;
        _lease = lease;
        lease.Hold();
    }

    public string Name => _table.Name;

    public long Count => _lease.Read(snapshot =>
    {
        long count = 0;
        for (var keyGroup = _table.KeyGroups.StartKeyGroup; keyGroup <= _table.KeyGroups.EndKeyGroup; keyGroup++) count += _table.CountIn(keyGroup, snapshot);
        return count;
    });

    /// <summary>Every entry, read key group by key group (the snapshot is held while reading).</summary>
    public IEnumerable<(int KeyGroup, object Key, object? Value)> UntypedEntries =>
        Enumerable.Range(_table.KeyGroups.StartKeyGroup, _table.KeyGroups.Count)
            .SelectMany(keyGroup => _lease.Read(snapshot => _table.Read(keyGroup, snapshot).ToList())
                .Select(e => (keyGroup, (object)e.Key, (object?)e.Value)));

    public string Codecs(StateCodecs codecs) => $"{codecs.For<TStateKey>().Name}|{codecs.For<TValue>().Name}";

    public int CountIn(int keyGroup)
    {
        if (_lastCount.KeyGroup != keyGroup) _lastCount = (keyGroup, _lease.Read(snapshot => _table.CountIn(keyGroup, snapshot)));
        return _lastCount.Count;
    }

    public void WriteKeyGroup(int keyGroup, BinaryWriter writer, StateCodecs codecs)
    {
        var keyCodec = codecs.For<TStateKey>();
        var valueCodec = codecs.For<TValue>();
        _lease.Read(snapshot =>
        {
            foreach (var (key, value) in _table.Read(keyGroup, snapshot))
            {
                keyCodec.Write(writer, key);
                valueCodec.Write(writer, value);
            }
            return 0;
        });
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _lease.Return();
    }
}
