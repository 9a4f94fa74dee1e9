using GrainFlow.Runtime.Streams;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace GrainFlow.Runtime.Tests.Streams;

/// <summary>
/// The cursor mechanics behind rewinds, without a cluster: a position older than the in-memory window is
/// served from chunks read from the topic, then from the window, in offset order, and the checkpoint
/// never passes a record a cursor still has to deliver.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TopicStreamCursorTests
{
    private static readonly StreamId Mine = StreamId.Create("t", "k");
    private static readonly StreamId Other = StreamId.Create("t", "o");

    [Fact]
    public void ACursorOlderThanTheWindowAsksForTopicReadsAndDeliversThemBeforeTheWindowInOrder()
    {
        var (queue, lane) = QueueWithTenRecords(cacheSize: 3);
        Assert.Equal(7, lane.WindowStart);
        using var cursor = new TopicStreamCursor(queue, Mine, requestedOffset: 2);

        Assert.Equal(QueueCacheCursorMoveResultKind.NoData, cursor.MoveNextWithResult().Kind);
        Assert.Equal([cursor], queue.TakeBackfillRequests());
        Assert.Empty(queue.TakeBackfillRequests());

        // The receiver read offsets 2..5 from the topic (the other stream's records are skipped).
        cursor.AcceptBackfill(Enumerable.Range(2, 4).Select(Record), readUpTo: 6);
        Assert.Equal(2, NextOffset(cursor));
        Assert.Equal(4, NextOffset(cursor));
        Assert.Equal(QueueCacheCursorMoveResultKind.NoData, cursor.MoveNextWithResult().Kind);
        Assert.Equal([cursor], queue.TakeBackfillRequests());

        cursor.AcceptBackfill([Record(6)], readUpTo: 7);
        Assert.Equal(6, NextOffset(cursor));
        Assert.Equal(8, NextOffset(cursor));
        Assert.Equal(QueueCacheCursorMoveResultKind.NoData, cursor.MoveNextWithResult().Kind);
        Assert.Empty(queue.TakeBackfillRequests());

        lane.Append(10, Record(10));
        Assert.Equal(10, NextOffset(cursor));
    }

    [Fact]
    public void TheCheckpointStopsAtTheRecordACursorIsDeliveringAndNeverMovesBackFromTheStoredOne()
    {
        var (queue, lane) = QueueWithTenRecords(cacheSize: 100);
        var cursor = new TopicStreamCursor(queue, Mine, requestedOffset: 0);
        Assert.Equal(0, NextOffset(cursor));
        Assert.Equal(2, NextOffset(cursor));
        Assert.Equal(2, queue.SnapshotCheckpoints()[lane]);

        // Idle after its last record: records of other streams do not hold the checkpoint back.
        while (cursor.MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success)
        {
        }
        Assert.Equal(10, queue.SnapshotCheckpoints()[lane]);

        lane.Persisted = 10;
        using var rewinder = new TopicStreamCursor(queue, Mine, requestedOffset: 0);
        Assert.Equal(0, NextOffset(rewinder));
        Assert.Equal(10, queue.SnapshotCheckpoints()[lane]);

        cursor.Dispose();
        lane.Append(10, Record(10));
        Assert.Equal(10, queue.SnapshotCheckpoints()[lane]);
    }

    [Fact]
    public void ACursorWithoutATokenStartsAtTheNewestRecordAndTokensPastIndexZeroStartAfterTheirRecord()
    {
        var (queue, lane) = QueueWithTenRecords(cacheSize: 100);
        var cache = new TopicStreamCache(queue);
        using var latest = (TopicStreamCursor)cache.TryGetCacheCursor(Mine, null).Cursor!;
        using var after = (TopicStreamCursor)cache.TryGetCacheCursor(Mine, new EventSequenceTokenV2(4, 1)).Cursor!;

        Assert.Equal(QueueCacheCursorMoveResultKind.NoData, latest.MoveNextWithResult().Kind);
        Assert.Equal(6, NextOffset(after));
        lane.Append(10, Record(10));
        Assert.Equal(10, NextOffset(latest));
    }

    /// <summary>One partition holding offsets 0..9, even ones of stream <see cref="Mine"/>, odd ones of another stream.</summary>
    private static (TopicStreamQueue Queue, TopicStreamLane Lane) QueueWithTenRecords(int cacheSize)
    {
        var queue = new TopicStreamQueue(index: 0, queueCount: 1, cacheSize);
        queue.AddTopic("t", "t", partitions: 1, new Dictionary<int, long> { [0] = 0 });
        var lane = queue.Lanes().Single();
        for (var offset = 0; offset < 10; offset++) lane.Append(offset, Record(offset));
        queue.Trim();
        return (queue, lane);
    }

    private static TopicBatchContainer Record(int offset) => new()
    {
        StreamId = offset % 2 == 0 ? Mine : Other,
        Topic = "t",
        Partition = 0,
        Offset = offset,
        Value = System.Text.Encoding.UTF8.GetBytes($"e{offset}"),
    };

    private static long NextOffset(TopicStreamCursor cursor)
    {
        Assert.Equal(QueueCacheCursorMoveResultKind.Success, cursor.MoveNextWithResult().Kind);
        return ((TopicBatchContainer)cursor.GetCurrent(out _)!).Offset;
    }
}
