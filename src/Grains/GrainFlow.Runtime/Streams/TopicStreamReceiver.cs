using GrainFlow.Errors;
using GrainFlow.Topics;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace GrainFlow.Runtime.Streams;

/// <summary>
/// Reads one queue's partitions for the pulling agent. Each poll it (1) picks up topics first published
/// since the last look, (2) serves the cursors waiting for older records from the topic, (3) reads what
/// was appended to each partition since the last poll, and (4) now and then stores the checkpoints.
/// All reads go through <see cref="ITopicPartitionGrain.ReadAsync"/>, so they see exactly what publishers
/// got acknowledged.
/// </summary>
internal sealed partial class TopicStreamReceiver(
    TopicStreamQueue queue,
    string providerName,
    TopicStreamOptions options,
    TopicStreamQueueMapper mapper,
    IGrainFactory grains,
    TopicStreamCheckpoints checkpoints,
    TimeProvider time,
    ILogger logger) : IQueueAdapterReceiver
{
    private DateTimeOffset _nextTopicRefresh = DateTimeOffset.MinValue;
    private DateTimeOffset _nextCheckpoint;

    public Task Initialize(TimeSpan timeout)
    {
        _nextCheckpoint = time.GetUtcNow() + options.CheckpointInterval;
        return Task.CompletedTask;
    }

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount)
    {
        // Taken first: the agent has fully handled the previous batch by now (cursors for new streams exist).
        var snapshot = queue.SnapshotCheckpoints();
        var now = time.GetUtcNow();
        if (now >= _nextCheckpoint)
        {
            _nextCheckpoint = now + options.CheckpointInterval;
            await SaveCheckpointsAsync(snapshot);
        }
        if (now >= _nextTopicRefresh)
        {
            _nextTopicRefresh = now + options.TopicRefreshInterval;
            await RefreshTopicsAsync();
        }
        var batch = new List<IBatchContainer>();
        await ServeBackfillsAsync(batch);
        await ReadLanesAsync(batch, maxCount);
        return batch;
    }

    /// <summary>Nothing to do: checkpoints follow what the cursors delivered, not what left the cache.</summary>
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

    /// <summary>Stores the checkpoints of the last snapshot, taken while the agent's cursors were still alive.</summary>
    public Task Shutdown(TimeSpan timeout) => SaveCheckpointsAsync(queue.LastCheckpoints);

    private async Task RefreshTopicsAsync()
    {
        var topics = new HashSet<string>(options.Namespaces.Select(ns => options.TopicPrefix + ns), StringComparer.Ordinal);
        try
        {
            topics.UnionWith(await grains.GetGrain<ITopicStreamRegistryGrain>(providerName).GetTopicsAsync());
        }
        catch (Exception e)
        {
            LogRegistryUnavailable(providerName, queue.Index, e);
        }
        foreach (var topic in topics.Where(t => !queue.KnowsTopic(t)))
        {
            if (!TopicStreamNaming.TryGetNamespace(topic, options.TopicPrefix, out var streamNamespace)) continue;
            try
            {
                await AddTopicAsync(topic, streamNamespace);
            }
            catch (TopicException)
            {
                // Registered but not created yet: the first publish is still on its way. Next refresh.
            }
            catch (Exception e)
            {
                LogTopicUnavailable(providerName, topic, e);
            }
        }
    }

    private async Task AddTopicAsync(string topic, string streamNamespace)
    {
        var info = await grains.GetGrain<ITopicGrain>(topic).GetInfoAsync();
        mapper.LearnPartitions(topic, info.Settings.Partitions);
        var starts = new Dictionary<int, long>();
        foreach (var partition in queue.OwnedPartitions(info.Settings.Partitions))
        {
            // Without a checkpoint, everything retained: events published before this queue noticed the topic must not be lost.
            starts[partition] = await checkpoints.LoadAsync(topic, partition) ?? info.Partitions[partition].EarliestOffset;
        }
        queue.AddTopic(topic, streamNamespace, info.Settings.Partitions, starts);
        LogReadingTopic(providerName, queue.Index, topic, starts.Count);
    }

    private async Task ServeBackfillsAsync(List<IBatchContainer> batch)
    {
        var requests = queue.TakeBackfillRequests().Where(c => c.Lane is not null && !c.IsDisposed).ToList();
        var reads = await Task.WhenAll(requests.Select(async cursor =>
        {
            var lane = cursor.Lane!;
            var from = cursor.Next;
            // Only up to the window: what is in memory the cursor reads from there.
            var count = (int)Math.Clamp(lane.WindowStart - from, 1, options.ReadBatchSize);
            return (Cursor: cursor, Lane: lane, Read: await ReadAsync(lane, from, count));
        }));
        var woken = new HashSet<StreamId>();
        foreach (var (cursor, lane, read) in reads)
        {
            long wakeOffset;
            lock (queue.Sync)
            {
                if (cursor.IsDisposed) continue;
                if (read.Result is { } result)
                {
                    cursor.AcceptBackfill(result.Records.Select(r => ToContainer(lane, r)).OfType<TopicBatchContainer>(), result.NextOffset);
                }
                else if (read.SkipTo is { } skipTo)
                {
                    cursor.SkipTo(skipTo);
                }
                else
                {
                    // The read failed (and was logged): try again at the next poll, without waking anyone.
                    queue.RequeueBackfill(cursor);
                    continue;
                }
                // The newest offset, not the rewound one: the agent also takes this token as the start of
                // subscribers of the stream whose handshake is still under way, and those did not ask for history.
                wakeOffset = lane.End;
            }
            if (woken.Add(cursor.StreamId)) batch.Add(new TopicStreamWakeup { StreamId = cursor.StreamId, Offset = wakeOffset });
        }
    }

    private async Task ReadLanesAsync(List<IBatchContainer> batch, int maxCount)
    {
        var lanes = queue.Lanes();
        if (lanes.Count == 0) return;
        var perLane = maxCount < 0 ? options.ReadBatchSize : Math.Clamp(maxCount / lanes.Count, 1, options.ReadBatchSize);
        var reads = await Task.WhenAll(lanes.Select(async lane =>
        {
            var from = lane.End;
            return (Lane: lane, From: from, Read: await ReadAsync(lane, from, perLane));
        }));
        foreach (var (lane, from, read) in reads)
        {
            lock (queue.Sync)
            {
                if (lane.End != from) continue;
                if (read.SkipTo is { } skipTo)
                {
                    lane.SkipTo(skipTo);
                    continue;
                }
                foreach (var stored in read.Result?.Records ?? [])
                {
                    var record = ToContainer(lane, stored);
                    lane.Append(stored.Offset, record);
                    if (record is not null) batch.Add(record);
                }
            }
        }
    }

    /// <summary>
    /// Reads a partition. When the offset is gone (retention) or beyond the end (the topic was recreated),
    /// answers where reading can go on instead, and says so in the log; when the read fails, logs it and
    /// answers neither, so that this partition is tried again at the next poll while the others go on.
    /// </summary>
    private async Task<(TopicReadResult? Result, long? SkipTo)> ReadAsync(TopicStreamLane lane, long from, int maxRecords)
    {
        var partition = grains.GetGrain<ITopicPartitionGrain>(ITopicPartitionGrain.KeyOf(lane.Topic, lane.Partition));
        try
        {
            try
            {
                return (await partition.ReadAsync(from, maxRecords), null);
            }
            catch (TopicException)
            {
                var info = await partition.GetInfoAsync();
                var skipTo = from < info.EarliestOffset ? info.EarliestOffset : info.EndOffset;
                if (skipTo == from) throw;
                LogSkipped(providerName, lane.Topic, lane.Partition, from, skipTo);
                return (null, skipTo);
            }
        }
        catch (Exception e)
        {
            LogReadFailed(providerName, lane.Topic, lane.Partition, from, e);
            return (null, null);
        }
    }

    private static TopicBatchContainer? ToContainer(TopicStreamLane lane, StoredTopicRecord stored) =>
        // A record without a key belongs to no stream (e.g. one published round robin by 'grainflow publish').
        stored.Record.Key is not { } key ? null : new TopicBatchContainer
        {
            StreamId = TopicStreamNaming.StreamIdOf(lane.Namespace, key),
            Topic = lane.Topic,
            Partition = lane.Partition,
            Offset = stored.Offset,
            Value = stored.Record.Value,
            TimestampMs = stored.Record.TimestampMs,
        };

    private async Task SaveCheckpointsAsync(IReadOnlyDictionary<TopicStreamLane, long> snapshot)
    {
        foreach (var (lane, offset) in snapshot)
        {
            if (offset <= lane.Persisted) continue;
            try
            {
                await checkpoints.SaveAsync(lane.Topic, lane.Partition, offset);
                lock (queue.Sync) lane.Persisted = Math.Max(lane.Persisted, offset);
            }
            catch (Exception e)
            {
                // A checkpoint that is not stored only means more records are delivered again after a restart.
                LogCheckpointFailed(providerName, lane.Topic, lane.Partition, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream provider {Provider} queue {Queue}: reading topic {Topic} ({Partitions} partitions)")]
    private partial void LogReadingTopic(string provider, int queue, string topic, int partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {Provider} queue {Queue}: the topic registry is unavailable; using the topics known so far")]
    private partial void LogRegistryUnavailable(string provider, int queue, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {Provider}: topic {Topic} could not be opened; retrying later")]
    private partial void LogTopicUnavailable(string provider, string topic, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {Provider}: topic {Topic} partition {Partition} has no offset {From} any more; going on from {SkipTo}")]
    private partial void LogSkipped(string provider, string topic, int partition, long from, long skipTo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {Provider}: reading topic {Topic} partition {Partition} from offset {From} failed; retrying at the next poll")]
    private partial void LogReadFailed(string provider, string topic, int partition, long from, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {Provider}: the checkpoint of topic {Topic} partition {Partition} could not be stored")]
    private partial void LogCheckpointFailed(string provider, string topic, int partition, Exception exception);
}
