using System.Collections.Immutable;

namespace GrainFlow.Runtime.State;

/// <summary>
/// Processing-time timers of one keyed operator subtask, deduplicated per (key, time) as Flink's
/// timer service does. The timers are keyed state: they live in a reserved table of the backend
/// (per key, the sorted times registered for it), so a barrier captures them together with the
/// state they belong to, they are written per key group, and a restore — at any parallelism —
/// brings each timer back on the subtask that owns its key group (Flink's heap timer service keeps
/// its timers per key group for the same reason). The priority queue is only an index over that
/// table, rebuilt when the table is restored; timers already due by then fire at the first tick.
/// </summary>
internal sealed class ProcessingTimeTimers<TKey> where TKey : notnull
{
    /// <summary>The state name of the timers in snapshots; user state cannot take it.</summary>
    public const string StateName = "_timers";

    private readonly KeyedStateBackend<TKey> _backend;
    private readonly StateTable<TKey, ImmutableArray<long>> _table;
    // Entries deleted since they were queued stay here and are skipped when they come up: the table decides.
    private readonly PriorityQueue<(TKey Key, int GroupIndex, long Time), long> _queue = new();

    internal ProcessingTimeTimers(KeyedStateBackend<TKey> backend, StateTable<TKey, ImmutableArray<long>> table)
    {
        _backend = backend;
        _table = table;
        foreach (var (keyGroup, key, times) in table.Entries)
        {
            foreach (var time in times) _queue.Enqueue((key, keyGroup - backend.KeyGroups.StartKeyGroup, time), time);
            Count += times.Length;
        }
    }

    /// <summary>How many timers are registered (and not yet fired or deleted).</summary>
    public long Count { get; private set; }

    /// <summary>Registers a timer for the backend's current key; one already registered for that key and time is not added again.</summary>
    public void RegisterForCurrentKey(long timeMs)
    {
        var (key, groupIndex) = (_backend.CurrentKey, _backend.CurrentGroupIndex);
        if (_table.TryGet(groupIndex, key, out var times))
        {
            var position = ImmutableArray.BinarySearch(times, timeMs);
            if (position >= 0) return;
            // A new array, never a change in place: a captured snapshot may still hold the old one.
            _table.Set(groupIndex, key, times.Insert(~position, timeMs));
        }
        else
        {
            _table.Set(groupIndex, key, [timeMs]);
        }
        _queue.Enqueue((key, groupIndex, timeMs), timeMs);
        Count++;
    }

    /// <summary>Deletes the current key's timer for <paramref name="timeMs"/>, if there is one.</summary>
    public void DeleteForCurrentKey(long timeMs) => Remove(_backend.CurrentKey, _backend.CurrentGroupIndex, timeMs);

    /// <summary>Takes (and unregisters) the next timer due at or before <paramref name="nowMs"/>, if any.</summary>
    public bool TryTakeDue(long nowMs, out TKey key, out long timeMs)
    {
        while (_queue.TryPeek(out var entry, out var time) && time <= nowMs)
        {
            _queue.Dequeue();
            if (!Remove(entry.Key, entry.GroupIndex, entry.Time)) continue;
            (key, timeMs) = (entry.Key, entry.Time);
            return true;
        }
        key = default!;
        timeMs = 0;
        return false;
    }

    /// <summary>Every registered timer with its key group, in no particular order.</summary>
    public IEnumerable<(int KeyGroup, TKey Key, long Time)> All =>
        _table.Entries.SelectMany(e => e.Value.Select(time => (e.KeyGroup, e.Key, time)));

    private bool Remove(TKey key, int groupIndex, long timeMs)
    {
        if (!_table.TryGet(groupIndex, key, out var times)) return false;
        var position = ImmutableArray.BinarySearch(times, timeMs);
        if (position < 0) return false;
        if (times.Length == 1) _table.Remove(groupIndex, key);
        else _table.Set(groupIndex, key, times.RemoveAt(position));
        Count--;
        return true;
    }
}
