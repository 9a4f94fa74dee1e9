namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// When to flush RocksDB's memtables ahead of the next checkpoint. A native checkpoint flushes the memtables at the
/// barrier, synchronously, so the barrier's pause grows with what was written since the last flush. Started in the
/// background shortly before the barrier is expected, the flush leaves the barrier only the writes of that last
/// stretch. The next barrier is expected one spacing of the last two checkpoints after the last one (whatever set that
/// spacing: the interval, a minimum pause, slow checkpoints); the flush is due a tenth of that spacing before it. Only a
/// prediction: a barrier that comes early flushes more itself, one that comes late finds a few more writes to flush.
/// Not thread-safe: the operator's thread takes the checkpoints and writes.
/// </summary>
internal sealed class RocksDbFlushAhead(TimeProvider time)
{
    // The clock is read once per so many writes: a write through the cache costs about as much as reading it.
    private const int WritesPerClockRead = 64;
    private const int LeadDivisor = 10;

    private long _lastCheckpoint = -1;
    private long _dueAt = long.MaxValue;
    private int _writes;

    /// <summary>A checkpoint was taken now (savepoints do not count: they come when asked, not on a schedule).</summary>
    public void CheckpointTaken()
    {
        var now = time.GetTimestamp();
        if (_lastCheckpoint >= 0)
        {
            var spacing = now - _lastCheckpoint;
            _dueAt = now + spacing - (spacing / LeadDivisor);
        }
        _lastCheckpoint = now;
    }

    /// <summary>
    /// Counts a write; true once per expected checkpoint, on the first write (of every <see cref="WritesPerClockRead"/>)
    /// at or after the time the flush is due.
    /// </summary>
    public bool IsDueAfterWrite()
    {
        if (++_writes < WritesPerClockRead) return false;
        _writes = 0;
        if (time.GetTimestamp() < _dueAt) return false;
        _dueAt = long.MaxValue;
        return true;
    }
}
