namespace GrainFlow.Runtime.State;

/// <summary>
/// The timers of one time domain of one timer service (Flink's KeyGroupedInternalPriorityQueue of
/// timers): deduplicated per (key, namespace, time), kept as keyed state so they are in every snapshot
/// and move with their key group, and taken in time order.
/// </summary>
internal interface IKeyGroupedTimerQueue<TKey, TNamespace> where TKey : notnull where TNamespace : notnull
{
    /// <summary>How many timers are registered (and not yet fired or deleted).</summary>
    long Count { get; }

    /// <summary>Every registered timer with its key group, in no particular order.</summary>
    IEnumerable<(int KeyGroup, InternalTimer<TKey, TNamespace> Timer)> All { get; }

    /// <summary>Registers a timer; one already registered for that key, namespace and time is not added again.</summary>
    void Register(int groupIndex, TKey key, TNamespace ns, long time);

    /// <summary>Deletes the timer, if there is one.</summary>
    bool Delete(int groupIndex, TKey key, TNamespace ns, long time);

    /// <summary>Takes (and unregisters) the earliest timer due at or before <paramref name="time"/>, if any.</summary>
    bool TryTakeDue(long time, out InternalTimer<TKey, TNamespace> timer);
}
