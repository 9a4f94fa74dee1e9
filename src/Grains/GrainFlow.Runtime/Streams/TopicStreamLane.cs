using Orleans.Streams;

namespace GrainFlow.Runtime.Streams;

/// <summary>
/// One partition of one topic as a queue reads it: a window of its most recent records in offset order,
/// <c>[WindowStart, End)</c>. Records without a key (which belong to no stream) keep their slot as null
/// so that offsets stay contiguous. Older records are not lost when the window moves on: cursors read
/// them back from the topic.
/// </summary>
internal sealed class TopicStreamLane(string topic, int partition, string streamNamespace, long start)
{
    private readonly List<TopicBatchContainer?> _window = new();

    public string Topic { get; } = topic;

    public int Partition { get; } = partition;

    public string Namespace { get; } = streamNamespace;

    public long WindowStart { get; private set; } = start;

    /// <summary>The offset the next live read starts at.</summary>
    public long End => WindowStart + _window.Count;

    /// <summary>The last checkpoint stored (or loaded) for this partition; checkpoints never move back from it.</summary>
    public long Persisted { get; set; } = start;

    public void Append(long offset, TopicBatchContainer? record)
    {
        if (offset != End) throw new InvalidOperationException($"Topic '{Topic}' partition {Partition}: record {offset} does not follow {End - 1}.");
        _window.Add(record);
    }

    /// <summary>Moves the lane to <paramref name="offset"/> and forgets the window (retention deleted what it was about to read, or the topic was recreated).</summary>
    public void SkipTo(long offset)
    {
        _window.Clear();
        WindowStart = offset;
    }

    /// <summary>Drops the oldest records beyond <paramref name="maxRecords"/>.</summary>
    public void Trim(int maxRecords, List<IBatchContainer> purged)
    {
        var excess = _window.Count - maxRecords;
        if (excess <= 0) return;
        foreach (var record in _window.Take(excess))
        {
            if (record is not null) purged.Add(record);
        }
        _window.RemoveRange(0, excess);
        WindowStart += excess;
    }

    /// <summary>The offset of the first record of <paramref name="streamId"/> at or after <paramref name="from"/> in the window, or <see cref="End"/>.</summary>
    public long NextOf(StreamId streamId, long from)
    {
        for (var offset = Math.Max(from, WindowStart); offset < End; offset++)
        {
            if (_window[(int)(offset - WindowStart)] is { } record && record.StreamId.Equals(streamId)) return offset;
        }
        return End;
    }

    public TopicBatchContainer At(long offset) =>
        _window[(int)(offset - WindowStart)] ?? throw new InvalidOperationException($"Topic '{Topic}' partition {Partition}: record {offset} has no stream.");
}
