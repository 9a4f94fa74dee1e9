namespace GrainFlow.Runtime.State;

/// <summary>
/// Items taken in the order of their due times (equal times in any order). Timers mostly come in a
/// few interleaved sequences of rising due times — the windows' ends move forward with event time: one
/// sequence for tumbling windows, one per window of an element for sliding ones, one more for late
/// elements — so an item joins the first-in-first-out run whose last due time is the closest one not
/// after its own, in O(<see cref="MaxRuns"/>) and in memory order; only an item that fits no run goes into a
/// binary heap, whose every take walks its depth through memory. A take compares the heads.
/// </summary>
internal sealed class DueTimeQueue<T>
{
    public const int MaxRuns = 8;

    private readonly Queue<(T Item, long Due)>[] _runs = new Queue<(T Item, long Due)>[MaxRuns];
    private readonly long[] _tails = new long[MaxRuns];
    private readonly PriorityQueue<T, long> _heap = new();

    public int Count => _heap.Count + _runs.Sum(r => r?.Count ?? 0);

    public void Enqueue(T item, long due)
    {
        var best = -1;
        var empty = -1;
        for (var i = 0; i < MaxRuns; i++)
        {
            if (_runs[i] is not { Count: > 0 })
            {
                if (empty < 0) empty = i;
                continue;
            }
            if (_tails[i] <= due && (best < 0 || _tails[i] > _tails[best])) best = i;
        }
        var run = best >= 0 ? best : empty;
        if (run < 0)
        {
            _heap.Enqueue(item, due);
            return;
        }
        (_runs[run] ??= new Queue<(T Item, long Due)>()).Enqueue((item, due));
        _tails[run] = due;
    }

    /// <summary>Takes the item due first if it is due at or before <paramref name="time"/>.</summary>
    public bool TryDequeueDue(long time, out T item, out long due)
    {
        var first = FirstRun(out var firstDue);
        if (_heap.TryPeek(out item!, out due) && (first < 0 || due < firstDue))
        {
            if (due > time) return false;
            _heap.Dequeue();
            return true;
        }
        if (first < 0 || firstDue > time)
        {
            (item, due) = (default!, 0);
            return false;
        }
        (item, due) = _runs[first].Dequeue();
        return true;
    }

    /// <summary>The due time of the item due first, if there is one.</summary>
    public bool TryPeekDue(out long due)
    {
        var first = FirstRun(out var firstDue);
        if (_heap.TryPeek(out _, out due) && (first < 0 || due < firstDue)) return true;
        due = firstDue;
        return first >= 0;
    }

    private int FirstRun(out long firstDue)
    {
        var first = -1;
        firstDue = long.MaxValue;
        for (var i = 0; i < MaxRuns; i++)
        {
            if (_runs[i] is { } run && run.TryPeek(out var head) && (first < 0 || head.Due < firstDue)) (first, firstDue) = (i, head.Due);
        }
        return first;
    }
}
