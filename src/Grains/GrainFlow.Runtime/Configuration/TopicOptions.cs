using GrainFlow.Configuration;

namespace GrainFlow.Runtime.Configuration;

/// <summary>Defaults of topics created without explicit settings (Kafka's names after the prefix).</summary>
public static class TopicOptions
{
    public static readonly ConfigOption<int> DefaultPartitions = ConfigOptions.Key("grainflow.topics.default-partitions").IntType()
        .WithCheck(n => n is >= 1 and <= 1024 ? null : "a topic has from 1 to 1024 partitions", "a whole number from 1 to 1024")
        .WithDefault(4);

    public static readonly ConfigOption<long> RetentionBytes = ConfigOptions.Key("grainflow.topics.retention.bytes").MemorySizeType()
        .WithCheck(n => n == -1 || n > 0 ? null : "use a positive size, or -1 for unlimited", "a size such as \"10 gb\", or -1 for unlimited")
        .WithDefault(-1);

    public static readonly ConfigOption<TimeSpan> RetentionTime = ConfigOptions.Key("grainflow.topics.retention.time").DurationType()
        .WithDefault(TimeSpan.FromDays(7));

    public static readonly ConfigOption<long> SegmentBytes = ConfigOptions.Key("grainflow.topics.segment.bytes").MemorySizeType()
        .WithCheck(n => n >= 1024 ? null : "a segment must be at least 1 kb", "a size of at least 1 kb, e.g. \"8 mb\"")
        .WithDefault(8L << 20);

    public static IReadOnlyList<ConfigOption> All { get; } = [DefaultPartitions, RetentionBytes, RetentionTime, SegmentBytes];
}
