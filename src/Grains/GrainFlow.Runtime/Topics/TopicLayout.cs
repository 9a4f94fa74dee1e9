using GrainFlow.Errors;

namespace GrainFlow.Runtime.Topics;

/// <summary>
/// Where a topic lives in the object store: <c>topics/&lt;name&gt;/_topic.json</c> for its settings,
/// <c>topics/&lt;name&gt;/&lt;partition&gt;/&lt;base offset, 20 digits&gt;[.&lt;transaction&gt;].log</c> for its
/// segments (a committed transaction becomes a segment of its own, named after it), and
/// <c>topics/&lt;name&gt;/_pending/&lt;partition&gt;/&lt;transaction&gt;.log</c> for transactions a sink staged
/// and has not committed yet (invisible to readers).
/// </summary>
internal static class TopicLayout
{
    public const string SegmentSuffix = ".log";

    public static string SettingsKey(string topic) => $"topics/{topic}/_topic.json";

    public static string PartitionPrefix(string topic, int partition) => $"topics/{topic}/{partition:D4}/";

    public static string SegmentKey(string topic, int partition, long baseOffset, string? transactionId = null) =>
        $"{PartitionPrefix(topic, partition)}{baseOffset:D20}{(transactionId is null ? "" : "." + transactionId)}{SegmentSuffix}";

    public static string StagingPrefix(string topic, int partition) => $"topics/{topic}/_pending/{partition:D4}/";

    public static string StagedKey(string topic, int partition, string transactionId) => $"{StagingPrefix(topic, partition)}{transactionId}{SegmentSuffix}";

    /// <summary>Parses a segment key: its base offset, and the transaction it holds if a sink committed it.</summary>
    public static bool TryParseSegment(string key, out long baseOffset, out string? transactionId)
    {
        baseOffset = 0;
        transactionId = null;
        var name = key[(key.LastIndexOf('/') + 1)..];
        if (!name.EndsWith(SegmentSuffix, StringComparison.Ordinal)) return false;
        var body = name[..^SegmentSuffix.Length];
        var dot = body.IndexOf('.');
        if (dot >= 0)
        {
            transactionId = body[(dot + 1)..];
            body = body[..dot];
        }
        return body.Length == 20 && long.TryParse(body, out baseOffset);
    }

    public static void ValidateName(string topic)
    {
        if (string.IsNullOrEmpty(topic) || topic.Length > 200 || topic.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')) || topic is "." or "..")
        {
            throw new TopicException($"'{topic}' is not a valid topic name: use 1 to 200 letters, digits, '.', '_' or '-'.");
        }
    }
}
