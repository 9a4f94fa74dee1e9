namespace GrainFlow.Runtime.State;

/// <summary>
/// Processing-time timers of one keyed operator subtask, ordered by time and deduplicated per
/// (key, time) as Flink's timer service does.
/// </summary>
internal sealed class ProcessingTimeTimers<TKey> where TKey : notnull
{
    private readonly PriorityQueue<(TKey Key, long Time), long> _queue = new();
    private readonly HashSet<(TKey Key, long Time)> _registered = new();

    public int Count => _registered.Count;

    public void Register(TKey key, long timeMs)
    {
        if (_registered.Add((key, timeMs))) _queue.Enqueue((key, timeMs), timeMs);
    }

    /// <summary>Deleted timers stay in the queue and are skipped when they come up.</summary>
    public void Delete(TKey key, long timeMs) => _registered.Remove((key, timeMs));

    /// <summary>Takes the next timer due at or before <paramref name="nowMs"/>, if any.</summary>
    public bool TryTakeDue(long nowMs, out TKey key, out long timeMs)
    {
        while (_queue.TryPeek(out var entry, out var time) && time <= nowMs)
        {
            _queue.Dequeue();
            if (!_registered.Remove(entry)) continue;
            (key, timeMs) = entry;
            return true;
        }
        key = default!;
        timeMs = 0;
        return false;
    }

    public IEnumerable<(TKey Key, long Time)> All => _registered;
}
