using System.Diagnostics.CodeAnalysis;
using Orleans.Streams;

namespace GrainFlow.Runtime.Streams;

/// <summary>
/// The queue cache of a topic stream queue. Unlike Orleans' caches it is never the only copy of the data:
/// the topic is. So it never reports a cache miss or pressure: a cursor older than the in-memory window
/// reads the records it needs from the topic (see <see cref="TopicStreamCursor"/>), which is what lets a
/// subscriber rewind to any retained offset, even after every silo restarted.
/// </summary>
internal sealed class TopicStreamCache(TopicStreamQueue queue) : IQueueCache
{
    /// <summary>Nothing to add: the receiver already placed the records in their partitions' windows, including keyless ones the agent never sees.</summary>
    public void AddToCache(IList<IBatchContainer> messages)
    {
    }

    public bool TryPurgeFromCache([MaybeNullWhen(false)] out IList<IBatchContainer> purgedItems)
    {
        var purged = queue.Trim();
        purgedItems = purged.Count > 0 ? purged : null;
        return purgedItems is not null;
    }

    [Obsolete("Use TryGetCacheCursor instead.")]
    public IQueueCacheCursor GetCacheCursor(StreamId streamId, StreamSequenceToken? token) => CreateCursor(streamId, token);

    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursor(StreamId streamId, StreamSequenceToken? token) =>
        QueueCacheCursorResult<IQueueCacheCursor>.FromCursor(CreateCursor(streamId, token));

    /// <summary><see cref="StreamSubscriptionStartPosition.EarliestAvailable"/> starts at the oldest record the topic retains.</summary>
    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursorAtPosition(StreamId streamId, StreamSubscriptionStartPosition startPosition) =>
        startPosition switch
        {
            StreamSubscriptionStartPosition.Latest => TryGetCacheCursor(streamId, null),
            StreamSubscriptionStartPosition.EarliestAvailable => QueueCacheCursorResult<IQueueCacheCursor>.FromCursor(new TopicStreamCursor(queue, streamId, 0)),
            _ => throw new ArgumentOutOfRangeException(nameof(startPosition), startPosition, "The subscription start position is not defined."),
        };

    /// <summary>Never: subscribers that fall behind read from the topic instead of pinning memory.</summary>
    public bool IsUnderPressure() => false;

    /// <summary>The receiver bounds each read by <see cref="TopicStreamOptions.ReadBatchSize"/> per partition.</summary>
    public int GetMaxAddCount() => QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG;

    /// <summary>
    /// Called as the agent shuts down, while the cursors still exist: a good moment for the checkpoint the
    /// receiver stores on shutdown. The token itself compares offsets of unrelated partitions, so it is not used.
    /// </summary>
    public void UpdateDeliveryProgress(StreamSequenceToken? earliestSubscriptionToken, DateTime utcNow) => queue.SnapshotCheckpoints();

    private TopicStreamCursor CreateCursor(StreamId streamId, StreamSequenceToken? token) =>
        // Every record is one event with index 0, so a token past index 0 means "after this record".
        new(queue, streamId, token is null ? null : token.SequenceNumber + (token.EventIndex > 0 ? 1 : 0));
}
