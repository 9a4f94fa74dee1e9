using RocksDbSharp;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// The timers of one time domain of one timer service, in RocksDB (<see cref="RocksDbTimerTable{TStateKey}"/>),
/// behaving exactly as the heap's <see cref="TimerQueue{TKey, TNamespace}"/>: deduplicated per (key, namespace,
/// time), taken in time order, unregistered before they fire. Only the earliest time of each key group is
/// kept in memory (Flink's per-key-group head cache), in a small priority queue over the key groups, so
/// taking the next due timer is one seek into that key group, never a scan.
/// </summary>
internal sealed class RocksDbTimerQueue<TKey, TNamespace> : IKeyGroupedTimerQueue<TKey, TNamespace> where TKey : notnull where TNamespace : notnull
{
    private readonly RocksDbKeyedStateBackend<TKey> _backend;
    private readonly ColumnFamilyHandle _column;
    private readonly RocksDbKeyBuilder<TKey, TNamespace> _keys;
    // The earliest time of each key group (by index in the backend's range), null when it has no timer.
    private readonly long?[] _heads;
    // Key groups by their earliest time; an entry whose time is no longer its group's head is stale and skipped.
    private readonly PriorityQueue<int, long> _groups = new();

    public RocksDbTimerQueue(RocksDbKeyedStateBackend<TKey> backend, IRocksDbStateTable table)
    {
        _backend = backend;
        _column = table.Column;
        _keys = new RocksDbKeyBuilder<TKey, TNamespace>(backend.Codecs, backend.KeyGroupPrefixBytes);
        _heads = new long?[backend.KeyGroups.Count];
        // Once, when the queue is created (with the restored timers): the count and each key group's head.
        foreach (var (groupIndex, time, _) in Timers())
        {
            Count++;
            if (_heads[groupIndex] is null) SetHead(groupIndex, time);
        }
    }

    public long Count { get; private set; }

    public IEnumerable<(int KeyGroup, InternalTimer<TKey, TNamespace> Timer)> All =>
        Timers().Select(t => (_backend.KeyGroups.StartKeyGroup + t.GroupIndex, t.Timer));

    public void Register(int groupIndex, TKey key, TNamespace ns, long time)
    {
        var timer = _keys.Timer(_backend.KeyGroups.StartKeyGroup + groupIndex, time, key, ns);
        if (_backend.Instance.HasKey(_column, timer)) return;
        _backend.Instance.Put(_column, timer, ReadOnlySpan<byte>.Empty);
        Count++;
        if (_heads[groupIndex] is not { } head || time < head) SetHead(groupIndex, time);
    }

    public bool Delete(int groupIndex, TKey key, TNamespace ns, long time)
    {
        var timer = _keys.Timer(_backend.KeyGroups.StartKeyGroup + groupIndex, time, key, ns);
        if (!_backend.Instance.HasKey(_column, timer)) return false;
        _backend.Instance.Remove(_column, timer);
        Count--;
        if (_heads[groupIndex] == time) RefreshHead(groupIndex);
        return true;
    }

    public bool TryTakeDue(long time, out InternalTimer<TKey, TNamespace> timer)
    {
        while (_groups.TryPeek(out var groupIndex, out var head))
        {
            if (_heads[groupIndex] != head)
            {
                _groups.Dequeue();
                continue;
            }
            if (head > time) break;
            _groups.Dequeue();
            using (var iterator = Iterator(groupIndex))
            {
                if (!iterator.Valid())
                {
                    _heads[groupIndex] = null;
                    continue;
                }
                var key = iterator.Key();
                timer = Decode(key);
                _backend.Instance.Remove(_column, key);
            }
            Count--;
            RefreshHead(groupIndex);
            return true;
        }
        timer = default;
        return false;
    }

    private void SetHead(int groupIndex, long time)
    {
        _heads[groupIndex] = time;
        _groups.Enqueue(groupIndex, time);
    }

    /// <summary>Reads the key group's earliest timer again (one seek) after its head went.</summary>
    private void RefreshHead(int groupIndex)
    {
        using var iterator = Iterator(groupIndex);
        if (iterator.Valid()) SetHead(groupIndex, RocksDbKeyLayout.ReadTime(iterator.Key().AsSpan(_keys.PrefixBytes)));
        else _heads[groupIndex] = null;
    }

    private Iterator Iterator(int groupIndex) =>
        _backend.Instance.KeyGroupIterator(_column, _backend.KeyGroups.StartKeyGroup + groupIndex, _keys.PrefixBytes, null);

    private InternalTimer<TKey, TNamespace> Decode(byte[] key)
    {
        using var reader = SerializationBuffer.Reader(key, _keys.PrefixBytes + sizeof(long));
        var (timerKey, ns) = _keys.Read(reader);
        return new InternalTimer<TKey, TNamespace>(RocksDbKeyLayout.ReadTime(key.AsSpan(_keys.PrefixBytes)), timerKey, ns);
    }

    private IEnumerable<(int GroupIndex, long Time, InternalTimer<TKey, TNamespace> Timer)> Timers()
    {
        for (var groupIndex = 0; groupIndex < _heads.Length; groupIndex++)
        {
            using var iterator = Iterator(groupIndex);
            for (; iterator.Valid(); iterator.Next())
            {
                var timer = Decode(iterator.Key());
                yield return (groupIndex, timer.Timestamp, timer);
            }
        }
    }
}
