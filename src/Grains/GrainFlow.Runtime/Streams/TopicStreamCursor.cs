using Orleans.Streams;

namespace GrainFlow.Runtime.Streams;

/// <summary>
/// A subscriber's position in one stream. It serves records from the queue's in-memory window when it can,
/// and otherwise, when its position is older than the window (a rewind, or a subscriber that fell behind),
/// asks the receiver to read the next chunk from the topic and reports "no data" until that chunk arrives
/// (the receiver then wakes the stream up). So any offset the topic still retains can be replayed, in order,
/// with bounded memory, instead of ending in a cache miss.
/// </summary>
/// <remarks>Cursor methods run on the pulling agent's turns, like the receiver's; the queue lock only guards against surprises.</remarks>
internal sealed class TopicStreamCursor : IQueueCacheCursor
{
    private readonly TopicStreamQueue _queue;
    private readonly long? _requestedOffset;
    private List<TopicBatchContainer> _backfill = new();
    private int _backfillIndex;
    private long _backfillEnd;
    private TopicBatchContainer? _current;
    private bool _disposed;

    /// <param name="requestedOffset">The first offset to deliver (inclusive); null for "from the newest record on".</param>
    public TopicStreamCursor(TopicStreamQueue queue, StreamId streamId, long? requestedOffset)
    {
        _queue = queue;
        StreamId = streamId;
        _requestedOffset = requestedOffset;
        queue.Register(this);
    }

    public StreamId StreamId { get; }

    /// <summary>The partition the stream lives in; null until this queue has discovered the stream's topic.</summary>
    public TopicStreamLane? Lane { get; private set; }

    /// <summary>The next offset to look at.</summary>
    public long Next { get; private set; }

    public bool BackfillPending { get; set; }

    public bool IsDisposed => _disposed;

    public QueueCacheCursorMoveResult MoveNextWithResult()
    {
        lock (_queue.Sync)
        {
            _current = null;
            if (_disposed || (Lane is null && !TryResolveLane())) return QueueCacheCursorMoveResult.NoData;
            var lane = Lane!;

            // Records read back from the topic for this cursor come first: they are older than the window.
            while (_backfillIndex < _backfill.Count)
            {
                var record = _backfill[_backfillIndex++];
                if (record.Offset >= Next) return Deliver(record);
            }
            if (_backfillEnd > Next) Next = _backfillEnd;

            if (Next < lane.WindowStart)
            {
                _queue.RequestBackfill(this);
                return QueueCacheCursorMoveResult.NoData;
            }
            var offset = lane.NextOf(StreamId, Next);
            if (offset < lane.End) return Deliver(lane.At(offset));
            Next = lane.End;
            return QueueCacheCursorMoveResult.NoData;
        }
    }

    [Obsolete("Use MoveNextWithResult instead.")]
    public bool MoveNext() => MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success;

    public IBatchContainer? GetCurrent(out Exception? exception)
    {
        exception = null;
        return _current;
    }

    /// <summary>Nothing to do: the cursor finds new records in the lane by itself on its next move.</summary>
    public void Refresh(StreamSequenceToken token)
    {
    }

    /// <summary>
    /// Nothing to do: the pulling agent's error protocol decides whether the subscription goes on, and the
    /// cursor has already moved past the failed record, as Orleans' own caches do.
    /// </summary>
    public void RecordDeliveryFailure()
    {
    }

    /// <summary>Takes a chunk read from the topic: the stream's records in it, and the offset the read stopped at.</summary>
    public void AcceptBackfill(IEnumerable<TopicBatchContainer> records, long readUpTo)
    {
        _backfill = records.Where(r => r.StreamId.Equals(StreamId) && r.Offset >= Next).ToList();
        _backfillIndex = 0;
        _backfillEnd = readUpTo;
        BackfillPending = false;
    }

    /// <summary>Moves forward to <paramref name="offset"/> when the records before it are gone (retention).</summary>
    public void SkipTo(long offset)
    {
        if (Next < offset) Next = offset;
        BackfillPending = false;
    }

    /// <summary>
    /// The oldest offset this cursor may still have to deliver, which the queue's checkpoint must not pass:
    /// the record in delivery, else the next record of the stream at or after <see cref="Next"/>.
    /// </summary>
    public long? Hold()
    {
        if (Lane is null) return null;
        if (_current is not null) return _current.Offset;
        if (_backfillIndex < _backfill.Count) return _backfill[_backfillIndex].Offset;
        var next = Math.Max(Next, _backfillEnd);
        return next < Lane.WindowStart ? next : Lane.NextOf(StreamId, next);
    }

    public void Dispose()
    {
        lock (_queue.Sync)
        {
            if (_disposed) return;
            _disposed = true;
            _current = null;
            _backfill = new();
            _queue.Unregister(this);
        }
    }

    private bool TryResolveLane()
    {
        Lane = _queue.LaneOf(StreamId);
        if (Lane is null) return false;
        Next = _requestedOffset ?? Lane.End;
        return true;
    }

    private QueueCacheCursorMoveResult Deliver(TopicBatchContainer record)
    {
        _current = record;
        Next = record.Offset + 1;
        return QueueCacheCursorMoveResult.Success;
    }
}
