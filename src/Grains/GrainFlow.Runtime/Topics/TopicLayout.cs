using GrainFlow.Errors;

namespace GrainFlow.Runtime.Topics;

/// <summary>
/// Where a topic lives in the object store: <c>topics/&lt;name&gt;/_topic.json</c> for its settings and
/// <c>topics/&lt;name&gt;/&lt;partition&gt;/&lt;base offset, 20 digits&gt;.log</c> for its segments.
/// </summary>
internal static class TopicLayout
{
    public const string SegmentSuffix = ".log";

    public static string SettingsKey(string topic) => $"topics/{topic}/_topic.json";

    public static string PartitionPrefix(string topic, int partition) => $"topics/{topic}/{partition:D4}/";

    public static string SegmentKey(string topic, int partition, long baseOffset) => $"{PartitionPrefix(topic, partition)}{baseOffset:D20}{SegmentSuffix}";

    public static bool TryParseBaseOffset(string key, out long baseOffset)
    {
        baseOffset = 0;
        var name = key[(key.LastIndexOf('/') + 1)..];
        return name.EndsWith(SegmentSuffix, StringComparison.Ordinal) && long.TryParse(name[..^SegmentSuffix.Length], out baseOffset);
    }

    public static void ValidateName(string topic)
    {
        if (string.IsNullOrEmpty(topic) || topic.Length > 200 || topic.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')) || topic is "." or "..")
        {
            throw new TopicException($"'{topic}' is not a valid topic name: use 1 to 200 letters, digits, '.', '_' or '-'.");
        }
    }
}
