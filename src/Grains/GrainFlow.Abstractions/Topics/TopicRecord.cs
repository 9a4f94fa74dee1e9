namespace GrainFlow.Topics;

/// <summary>One event as it is published to a topic: an optional key (which picks the partition), the payload and its time.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.TopicRecord")]
public sealed record TopicRecord(
    [property: Id(0)] string? Key,
    [property: Id(1)] byte[] Value,
    [property: Id(2)] long TimestampMs)
{
    public static TopicRecord FromText(string text, string? key = null) =>
        new(key, System.Text.Encoding.UTF8.GetBytes(text), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    public string ValueAsText() => System.Text.Encoding.UTF8.GetString(Value);
}

/// <summary>An event read back from a partition, with the offset it was stored at.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.StoredTopicRecord")]
public sealed record StoredTopicRecord(
    [property: Id(0)] int Partition,
    [property: Id(1)] long Offset,
    [property: Id(2)] TopicRecord Record);
