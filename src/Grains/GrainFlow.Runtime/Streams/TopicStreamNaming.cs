using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Topics;

namespace GrainFlow.Runtime.Streams;

/// <summary>Where an Orleans stream lives in GrainFlow topics, and which stream a topic record belongs to.</summary>
internal static class TopicStreamNaming
{
    /// <summary>The topic of a stream: the prefix followed by the stream namespace.</summary>
    /// <exception cref="Errors.TopicException">The name is not a valid topic name.</exception>
    public static string TopicOf(StreamId streamId, string prefix)
    {
        var topic = prefix + (streamId.GetNamespace() ?? "");
        TopicLayout.ValidateName(topic);
        return topic;
    }

    /// <summary>The record key of a stream's events: its key as text (GUID keys in "N" format, long keys in decimal).</summary>
    public static string KeyOf(StreamId streamId) => streamId.GetKeyAsString();

    /// <summary>The namespace of the streams stored in <paramref name="topic"/>, if it has the provider's prefix.</summary>
    public static bool TryGetNamespace(string topic, string prefix, out string streamNamespace)
    {
        var matches = topic.StartsWith(prefix, StringComparison.Ordinal);
        streamNamespace = matches ? topic[prefix.Length..] : "";
        return matches;
    }

    /// <summary>
    /// The stream of a record; <see cref="StreamId.Create(string?, string)"/> with the key text gives back
    /// exactly the id that was published (Orleans stores GUID and long keys as that same text).
    /// </summary>
    public static StreamId StreamIdOf(string streamNamespace, string key) => StreamId.Create(streamNamespace, key);

    /// <summary>The partition a keyed record goes to. This must match <c>TopicGrain.PublishAsync</c>.</summary>
    public static int PartitionOf(string key, int partitions) => (StableKeyHash.Of(key) & int.MaxValue) % partitions;
}
