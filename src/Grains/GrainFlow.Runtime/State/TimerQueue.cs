using System.Collections.Immutable;

namespace GrainFlow.Runtime.State;

/// <summary>
/// The timers of one time domain of one timer service, deduplicated per (key, namespace, time) as in
/// Flink. The timers are keyed state: they live in a table of the backend (per key and namespace, the
/// sorted times registered), so a barrier captures them with the state they belong to, they are written
/// per key group, and a restore — at any parallelism — brings each timer back on the subtask that owns
/// its key group (Flink's heap timer service keeps its timers per key group for the same reason). The
/// queue of due times is only an index over that table, rebuilt when the table is restored.
/// </summary>
internal sealed class TimerQueue<TKey, TNamespace> : IKeyGroupedTimerQueue<TKey, TNamespace> where TKey : notnull where TNamespace : notnull
{
    private readonly NamespacedTable<TKey, TNamespace, ImmutableArray<long>> _table;
    // Entries deleted since they were queued stay here and are skipped when they come up: the table decides.
    private readonly DueTimeQueue<(TKey Key, TNamespace Namespace, int GroupIndex)> _queue = new();
    private readonly TimersDueTogether<(TKey Key, TNamespace Namespace, int GroupIndex)> _dueTogether;
    private readonly ImmutableArray<long>[] _singleTimes = new ImmutableArray<long>[64];
    private readonly IEqualityComparer<TNamespace> _namespaces = EqualityComparer<TNamespace>.Default;
    private RecentTimer _recent;
    // Whether a timer was queued since the timers of one time were set aside: only then can the queue hold an earlier one.
    private bool _queuedSinceSetAside;

    public TimerQueue(int firstKeyGroup, int keyGroupCount, NamespacedTable<TKey, TNamespace, ImmutableArray<long>> table)
    {
        _table = table;
        _dueTogether = new(keyGroupCount, static entry => entry.GroupIndex);
        foreach (var (keyGroup, key, ns, times) in table.Entries)
        {
            foreach (var time in times) _queue.Enqueue((key, ns, keyGroup - firstKeyGroup), time);
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
        // A window registers the same timer twice in a row (its trigger's and its cleanup timer).
        if (_recent.Is(groupIndex, key, ns, time, _namespaces) && _recent.Registered) return;
        // One lookup for the check and the write.
        ref var times = ref _table.GetValueRefOrAddDefault(groupIndex, key, ns, out var exists);
        if (exists)
        {
            var position = PositionOf(times, time);
            if (position >= 0)
            {
                _recent = new(groupIndex, key, ns, time, Registered: true);
                return;
            }
            // A new array, never a change in place: a captured snapshot may still hold the old one.
            times = times.Insert(~position, time);
        }
        else
        {
            times = SingleTime(time);
        }
        _queue.Enqueue((key, ns, groupIndex), time);
        _queuedSinceSetAside = true;
        Count++;
        _recent = new(groupIndex, key, ns, time, Registered: true);
    }

    /// <summary>Deletes the timer, if there is one.</summary>
    public bool Delete(int groupIndex, TKey key, TNamespace ns, long time)
    {
        // A window's trigger deletes its timer when the window is cleaned up, right after that timer was taken.
        if (_recent.Is(groupIndex, key, ns, time, _namespaces) && !_recent.Registered) return false;
        if (!_table.TryGet(groupIndex, key, ns, out var times)) return false;
        var position = PositionOf(times, time);
        if (position < 0) return false;
        if (times.Length == 1) _table.Remove(groupIndex, key, ns);
        else _table.Set(groupIndex, key, ns, times.RemoveAt(position));
        Unregistered(groupIndex, key, ns, time);
        return true;
    }

    /// <summary>Takes (and unregisters) the earliest timer due at or before <paramref name="time"/>, if any.</summary>
    public bool TryTakeDue(long time, out InternalTimer<TKey, TNamespace> timer)
    {
        while (TryNextDue(time, out var entry, out var due))
        {
            if (!TryTake(entry.GroupIndex, entry.Key, entry.Namespace, due)) continue;
            timer = new InternalTimer<TKey, TNamespace>(due, entry.Key, entry.Namespace);
            return true;
        }
        timer = default;
        return false;
    }

    /// <summary>
    /// The next queued timer due at or before <paramref name="time"/>: the timers of the earliest due time
    /// are set aside together and come out key group by key group (<see cref="TimersDueTogether{T}"/>); one
    /// registered meanwhile for an earlier time (while firing) comes out before them, as from one queue.
    /// </summary>
    private bool TryNextDue(long time, out (TKey Key, TNamespace Namespace, int GroupIndex) entry, out long due)
    {
        if (_dueTogether.Any && _dueTogether.Time <= time && !(_queuedSinceSetAside && _queue.TryPeekDue(out var head) && head < _dueTogether.Time))
        {
            (entry, due) = (_dueTogether.Take(), _dueTogether.Time);
            return true;
        }
        if (!_queue.TryDequeueDue(time, out entry, out due)) return false;
        if (_dueTogether.Any || !_queue.TryPeekDue(out var next) || next != due) return true;
        _dueTogether.Add(entry);
        while (_queue.TryPeekDue(out next) && next == due && _queue.TryDequeueDue(due, out var same, out _)) _dueTogether.Add(same);
        _dueTogether.Seal(due);
        // Every queued timer left is due later than these (they were the earliest).
        _queuedSinceSetAside = false;
        entry = _dueTogether.Take();
        return true;
    }

    /// <summary>Unregisters a queued timer unless it was deleted since: one lookup when it was the only time of its key and namespace, as a window's timer is.</summary>
    private bool TryTake(int groupIndex, TKey key, TNamespace ns, long time)
    {
        if (!_table.Remove(groupIndex, key, ns, out var times)) return false;
        var position = PositionOf(times, time);
        if (position < 0 || times.Length > 1) _table.Set(groupIndex, key, ns, position < 0 ? times : times.RemoveAt(position));
        if (position < 0) return false;
        Unregistered(groupIndex, key, ns, time);
        return true;
    }

    private void Unregistered(int groupIndex, TKey key, TNamespace ns, long time)
    {
        Count--;
        _recent = new(groupIndex, key, ns, time, Registered: false);
    }

    /// <summary>Where <paramref name="time"/> is in <paramref name="times"/> (as <see cref="ImmutableArray.BinarySearch{T}(ImmutableArray{T}, T)"/>): a window's timer is usually the only time of its key and namespace.</summary>
    private static int PositionOf(ImmutableArray<long> times, long time)
    {
        if (times.Length != 1) return ImmutableArray.BinarySearch(times, time);
        var only = times[0];
        return only == time ? 0 : time < only ? ~0 : ~1;
    }

    /// <summary>
    /// The array of the single time <paramref name="time"/>, shared by the timers registered for it:
    /// the windows of a tumbling or sliding assigner end at the same times for every key, and an
    /// immutable array is as safe to share with a snapshot as a copy, without an allocation per timer.
    /// </summary>
    private ImmutableArray<long> SingleTime(long time)
    {
        ref var slot = ref _singleTimes[(int)(unchecked((ulong)time * 0x9E3779B97F4A7C15UL) >> 58)];
        if (slot.IsDefault || slot[0] != time) slot = [time];
        return slot;
    }

    /// <summary>
    /// Whether the last timer a call touched is registered. Only a call on that same timer can change
    /// the answer, and every call records its own timer here, so the answer stays true.
    /// </summary>
    private readonly record struct RecentTimer(int GroupIndex, TKey Key, TNamespace Namespace, long Time, bool Registered)
    {
        // False only in the default value: before the first call, nothing is known.
        private bool Known { get; } = true;

        public bool Is(int groupIndex, TKey key, TNamespace ns, long time, IEqualityComparer<TNamespace> namespaces) =>
            Known && Time == time && GroupIndex == groupIndex && EqualityComparer<TKey>.Default.Equals(Key, key) && namespaces.Equals(Namespace, ns);
    }
}
