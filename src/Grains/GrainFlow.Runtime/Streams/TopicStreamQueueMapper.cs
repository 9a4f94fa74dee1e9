using System.Collections.Concurrent;
using Orleans.Configuration;
using Orleans.Streams;

namespace GrainFlow.Runtime.Streams;

/// <summary>
/// The provider's fixed set of queues on Orleans' hash ring (so the default consistent-ring balancer spreads
/// them over the silos), with the topic-specific rule of which queue carries which stream: the queue whose
/// index is the stream's partition modulo the queue count.
/// </summary>
internal sealed class TopicStreamQueueMapper : IConsistentRingStreamQueueMapper
{
    private readonly HashRingBasedStreamQueueMapper _ring;
    private readonly QueueId[] _byIndex;
    private readonly string _topicPrefix;
    private readonly ConcurrentDictionary<string, int> _partitions = new(StringComparer.Ordinal);

    public TopicStreamQueueMapper(string providerName, int queueCount, string topicPrefix)
    {
        _ring = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = queueCount }, providerName);
        _byIndex = _ring.GetAllQueues().OrderBy(q => q.GetNumericId()).ToArray();
        _topicPrefix = topicPrefix;
    }

    public int QueueCount => _byIndex.Length;

    public IEnumerable<QueueId> GetAllQueues() => _ring.GetAllQueues();

    public IEnumerable<QueueId> GetQueuesForRange(IRingRange range) => _ring.GetQueuesForRange(range);

    /// <summary>The queue index of a queue id (its position in the provider's queue list).</summary>
    public int IndexOf(QueueId queueId)
    {
        var index = Array.IndexOf(_byIndex, queueId);
        return index >= 0 ? index : throw new ArgumentException($"Queue {queueId} is not one of this provider's queues.", nameof(queueId));
    }

    /// <summary>Remembers a topic's partition count, learned by a receiver, for <see cref="GetQueueForStream"/>.</summary>
    public void LearnPartitions(string topic, int partitions) => _partitions[topic] = partitions;

    /// <remarks>
    /// Orleans' pulling agents do not call this (they learn their streams from what their queue yields); it
    /// answers for tools and tests. The answer depends on the topic's partition count, which is only known
    /// once a queue on this silo has read the topic.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The stream's topic has not been read on this silo yet.</exception>
    public QueueId GetQueueForStream(StreamId streamId)
    {
        var topic = TopicStreamNaming.TopicOf(streamId, _topicPrefix);
        if (!_partitions.TryGetValue(topic, out var partitions))
        {
            throw new InvalidOperationException($"The queue of stream {streamId} depends on the partition count of topic '{topic}', which no queue on this silo has read yet.");
        }
        return _byIndex[TopicStreamNaming.PartitionOf(TopicStreamNaming.KeyOf(streamId), partitions) % _byIndex.Length];
    }
}
