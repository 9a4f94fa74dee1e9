using System.Collections.Immutable;

namespace GrainFlow.Runtime.State;

/// <summary>
/// The timers of one time domain of one timer service, deduplicated per (key, namespace, time) as in
/// Flink. The timers are keyed state: they live in a table of the backend (per key and namespace, the
/// sorted times registered), so a barrier captures them with the state they belong to, they are written
/// per key group, and a restore — at any parallelism — brings each timer back on the subtask that owns
/// its key group (Flink's heap timer service keeps its timers per key group for the same reason). The
/// priority queue is only an index over that table, rebuilt when the table is restored.
/// </summary>
internal sealed class TimerQueue<TKey, TNamespace> : IKeyGroupedTimerQueue<TKey, TNamespace> where TKey : notnull where TNamespace : notnull
{
    private readonly NamespacedTable<TKey, TNamespace, ImmutableArray<long>> _table;
    // Entries deleted since they were queued stay here and are skipped when they come up: the table decides.
    private readonly PriorityQueue<(TKey Key, TNamespace Namespace, int GroupIndex, long Time), long> _queue = new();

    public TimerQueue(int firstKeyGroup, NamespacedTable<TKey, TNamespace, ImmutableArray<long>> table)
    {
        _table = table;
        foreach (var (keyGroup, key, ns, times) in table.Entries)
        {
            foreach (var time in times) _queue.Enqueue((key, ns, keyGroup - firstKeyGroup, time), time);
            Count += times.Length;
        }
    }

    /// <summary>How many timers are registered (and not yet fired or deleted).</summary>
    public long Count { get; private set; }

    /// <summary>Every registered timer with its key group, in no particular order.</summary>
    public IEnumerable<(int KeyGroup, InternalTimer<TKey, TNamespace> Timer)> All =>
        _table.Entries.SelectMany(e => e.Value.Select(time => (e.KeyGroup, new InternalTimer<TKey, TNamespace>(time, e.Key, e.Namespace))));

    /// <summary>Registers a timer; one already registered for that key, namespace and time is not added again.</summary>
    public void Register(int groupIndex, TKey key, TNamespace ns, long time)
    {
        // One lookup for the check and the write (a window's trigger and its cleanup register the same timer).
        ref var times = ref _table.GetValueRefOrAddDefault(groupIndex, key, ns, out var exists);
        if (exists)
        {
            var position = ImmutableArray.BinarySearch(times, time);
            if (position >= 0) return;
            // A new array, never a change in place: a captured snapshot may still hold the old one.
            times = times.Insert(~position, time);
        }
        else
        {
            times = [time];
        }
        _queue.Enqueue((key, ns, groupIndex, time), time);
        Count++;
    }

    /// <summary>Deletes the timer, if there is one.</summary>
    public bool Delete(int groupIndex, TKey key, TNamespace ns, long time)
    {
        if (!_table.TryGet(groupIndex, key, ns, out var times)) return false;
        var position = ImmutableArray.BinarySearch(times, time);
        if (position < 0) return false;
        if (times.Length == 1) _table.Remove(groupIndex, key, ns);
        else _table.Set(groupIndex, key, ns, times.RemoveAt(position));
        Count--;
        return true;
    }

    /// <summary>Takes (and unregisters) the earliest timer due at or before <paramref name="time"/>, if any.</summary>
    public bool TryTakeDue(long time, out InternalTimer<TKey, TNamespace> timer)
    {
        while (_queue.TryPeek(out var entry, out var due) && due <= time)
        {
            _queue.Dequeue();
            if (!Delete(entry.GroupIndex, entry.Key, entry.Namespace, entry.Time)) continue;
            timer = new InternalTimer<TKey, TNamespace>(entry.Time, entry.Key, entry.Namespace);
            return true;
        }
        timer = default;
        return false;
    }
}
