using Orleans.Streams;

namespace GrainFlow.Runtime.Streams;

/// <summary>
/// What one queue of the provider shares between its receiver, its cache and their cursors: the partitions
/// it reads (partition <c>p</c> of every known topic with <c>p % QueueCount == Index</c>), the live cursors,
/// the cursors waiting for older records from the topic, and the checkpoints.
/// </summary>
internal sealed class TopicStreamQueue(int index, int queueCount, int cacheSize)
{
    private readonly Dictionary<(string Topic, int Partition), TopicStreamLane> _lanes = new();
    private readonly Dictionary<string, (string Topic, int Partitions)> _namespaces = new(StringComparer.Ordinal);
    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);
    private readonly HashSet<TopicStreamCursor> _cursors = new();
    private readonly List<TopicStreamCursor> _backfillRequests = new();
    private IReadOnlyDictionary<TopicStreamLane, long> _lastCheckpoints = new Dictionary<TopicStreamLane, long>();

    public object Sync { get; } = new();

    public int Index { get; } = index;

    public bool KnowsTopic(string topic)
    {
        lock (Sync) return _topics.Contains(topic);
    }

    /// <summary>The partitions of a topic with <paramref name="partitions"/> partitions that this queue reads.</summary>
    public IEnumerable<int> OwnedPartitions(int partitions) => Enumerable.Range(0, partitions).Where(p => p % queueCount == Index);

    /// <summary>Starts reading the owned partitions of a topic, each from its given offset.</summary>
    public void AddTopic(string topic, string streamNamespace, int partitions, IReadOnlyDictionary<int, long> startOffsets)
    {
        lock (Sync)
        {
            if (!_topics.Add(topic)) return;
            _namespaces[streamNamespace] = (topic, partitions);
            foreach (var (partition, start) in startOffsets)
            {
                _lanes[(topic, partition)] = new TopicStreamLane(topic, partition, streamNamespace, start);
            }
        }
    }

    public List<TopicStreamLane> Lanes()
    {
        lock (Sync) return _lanes.Values.ToList();
    }

    /// <summary>The partition a stream's events are in, if this queue reads it.</summary>
    public TopicStreamLane? LaneOf(StreamId streamId)
    {
        lock (Sync)
        {
            if (!_namespaces.TryGetValue(streamId.GetNamespace() ?? "", out var topic)) return null;
            var partition = TopicStreamNaming.PartitionOf(TopicStreamNaming.KeyOf(streamId), topic.Partitions);
            return _lanes.GetValueOrDefault((topic.Topic, partition));
        }
    }

    public void Register(TopicStreamCursor cursor)
    {
        lock (Sync) _cursors.Add(cursor);
    }

    public void Unregister(TopicStreamCursor cursor)
    {
        lock (Sync)
        {
            _cursors.Remove(cursor);
            _backfillRequests.Remove(cursor);
        }
    }

    public void RequestBackfill(TopicStreamCursor cursor)
    {
        lock (Sync)
        {
            if (cursor.BackfillPending) return;
            cursor.BackfillPending = true;
            _backfillRequests.Add(cursor);
        }
    }

    /// <summary>Puts back a request whose read failed, still pending, for the next poll.</summary>
    public void RequeueBackfill(TopicStreamCursor cursor)
    {
        lock (Sync)
        {
            if (!cursor.IsDisposed && !_backfillRequests.Contains(cursor)) _backfillRequests.Add(cursor);
        }
    }

    public List<TopicStreamCursor> TakeBackfillRequests()
    {
        lock (Sync)
        {
            var requests = _backfillRequests.ToList();
            _backfillRequests.Clear();
            return requests;
        }
    }

    /// <summary>Keeps at most the cache size of records per partition in memory; returns the records dropped.</summary>
    public List<IBatchContainer> Trim()
    {
        var purged = new List<IBatchContainer>();
        lock (Sync)
        {
            foreach (var lane in _lanes.Values) lane.Trim(cacheSize, purged);
        }
        return purged;
    }

    /// <summary>
    /// Computes, per partition, the offset from which a restarted queue must read again so that no record is
    /// lost for a subscriber: the oldest record any cursor may still have to deliver, or the end of what was
    /// read. A checkpoint never moves back from the last one stored, so a subscriber rewinding into old
    /// history holds the checkpoint where it is rather than making everyone else re-read that history.
    /// </summary>
    public IReadOnlyDictionary<TopicStreamLane, long> SnapshotCheckpoints()
    {
        lock (Sync)
        {
            var checkpoints = _lanes.Values.ToDictionary(l => l, l => l.End);
            foreach (var cursor in _cursors)
            {
                if (cursor.Lane is { } lane && cursor.Hold() is { } hold && checkpoints.TryGetValue(lane, out var current) && hold < current)
                {
                    checkpoints[lane] = hold;
                }
            }
            foreach (var lane in checkpoints.Keys.ToList())
            {
                checkpoints[lane] = Math.Max(checkpoints[lane], lane.Persisted);
            }
            _lastCheckpoints = checkpoints;
            return checkpoints;
        }
    }

    /// <summary>The checkpoints of the last snapshot, taken while the cursors were still alive.</summary>
    public IReadOnlyDictionary<TopicStreamLane, long> LastCheckpoints
    {
        get
        {
            lock (Sync) return _lastCheckpoints;
        }
    }
}
