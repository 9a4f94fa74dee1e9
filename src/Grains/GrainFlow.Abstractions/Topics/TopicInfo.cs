namespace GrainFlow.Topics;

/// <summary>A topic's shape and retention, as stored in its <c>_topic.json</c>.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.TopicSettings")]
public sealed record TopicSettings(
    [property: Id(0)] int Partitions,
    [property: Id(1)] long RetentionBytes,
    [property: Id(2)] long RetentionMs,
    [property: Id(3)] long SegmentBytes)
{
    /// <summary>-1 means unlimited, as in Kafka's retention.bytes / retention.ms.</summary>
    public const long Unlimited = -1;
}

/// <summary>Where each partition of a topic starts and ends now.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.TopicInfo")]
public sealed record TopicInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] TopicSettings Settings,
    [property: Id(2)] IReadOnlyList<PartitionInfo> Partitions);

[GenerateSerializer, Immutable, Alias("grainflow.PartitionInfo")]
public sealed record PartitionInfo(
    [property: Id(0)] int Partition,
    [property: Id(1)] long EarliestOffset,
    [property: Id(2)] long EndOffset,
    [property: Id(3)] long SizeBytes);

/// <summary>The answer to a read: the records and the offset to read next.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.TopicReadResult")]
public sealed record TopicReadResult(
    [property: Id(0)] IReadOnlyList<StoredTopicRecord> Records,
    [property: Id(1)] long NextOffset,
    [property: Id(2)] long EndOffset);
