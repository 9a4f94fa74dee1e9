using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// A state of the RocksDB backend as of a capture, written per key group in exactly the heap's format
/// (<see cref="KeyedStateFormat"/>: same state name, same codecs, same entries), so a checkpoint or a
/// savepoint taken from RocksDB restores into the heap and the other way round. Reads a RocksDB snapshot,
/// so writes after the capture are not in it, and it can be written on another thread.
/// </summary>
internal sealed class RocksDbStateTableSnapshot<TStateKey, TValue>(RocksDbStateTable<TStateKey, TValue> table, RocksDbSnapshotLease lease) : IStateTableSnapshot
    where TStateKey : notnull
{
    // The format asks each key group's count before (and while) writing it: counted once per key group.
    private (int KeyGroup, int Count) _lastCount = (-1, 0);

    public string Name => table.Name;

    public long Count => lease.Read(snapshot =>
    {
        long count = 0;
        for (var keyGroup = table.KeyGroups.StartKeyGroup; keyGroup <= table.KeyGroups.EndKeyGroup; keyGroup++) count += table.CountIn(keyGroup, snapshot);
        return count;
    });

    /// <summary>Every entry, read key group by key group (the snapshot is held while reading).</summary>
    public IEnumerable<(int KeyGroup, object Key, object? Value)> UntypedEntries =>
        Enumerable.Range(table.KeyGroups.StartKeyGroup, table.KeyGroups.Count)
            .SelectMany(keyGroup => lease.Read(snapshot => table.Read(keyGroup, snapshot).ToList())
                .Select(e => (keyGroup, (object)e.Key, (object?)e.Value)));

    public string Codecs(StateCodecs codecs) => $"{codecs.For<TStateKey>().Name}|{codecs.For<TValue>().Name}";

    public int CountIn(int keyGroup)
    {
        if (_lastCount.KeyGroup != keyGroup) _lastCount = (keyGroup, lease.Read(snapshot => table.CountIn(keyGroup, snapshot)));
        return _lastCount.Count;
    }

    public void WriteKeyGroup(int keyGroup, BinaryWriter writer, StateCodecs codecs)
    {
        var keyCodec = codecs.For<TStateKey>();
        var valueCodec = codecs.For<TValue>();
        lease.Read(snapshot =>
        {
            foreach (var (key, value) in table.Read(keyGroup, snapshot))
            {
                keyCodec.Write(writer, key);
                valueCodec.Write(writer, value);
            }
            return 0;
        });
    }
}
