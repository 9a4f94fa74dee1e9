using System.Globalization;
using GrainFlow.Errors;
using GrainFlow.Runtime.Topics;

namespace GrainFlow.Runtime.Sinks;

/// <summary>
/// One transaction of the topic sink: the topic it was staged for, its id, and the partitions it
/// staged an object in. The topic is recorded because it belongs to the job that wrote it: a job
/// restored from a savepoint may write to another topic, yet it must commit the old job's
/// transactions where they were staged.
/// </summary>
/// <remarks>
/// Stored as <c>&lt;topic&gt;|&lt;transaction id&gt;|&lt;partition&gt;,…</c> (topic names and transaction ids
/// have no '|'). Snapshots written before the topic was recorded hold <c>&lt;transaction id&gt;|&lt;partition&gt;,…</c>;
/// those are read against the restoring sink's own topic.
/// </remarks>
internal sealed record TopicSinkCommittable(string Topic, string TransactionId, IReadOnlyList<int> Partitions)
{
    public string Serialize() => $"{Topic}|{TransactionId}|{string.Join(',', Partitions)}";

    /// <summary>Reads a committable from a snapshot (an external input), checking every part.</summary>
    /// <param name="legacyTopic">The topic of the older format (no topic recorded).</param>
    /// <exception cref="NonRecoverableJobException">Not a committable of the topic sink: no restart can make it one.</exception>
    public static TopicSinkCommittable Parse(string committable, string legacyTopic)
    {
        var fields = committable.Split('|');
        var (topic, transactionId, partitions) = fields.Length switch
        {
            3 => (fields[0], fields[1], fields[2]),
            2 => (legacyTopic, fields[0], fields[1]),
            _ => throw Invalid(committable, "it has neither two nor three '|'-separated fields"),
        };
        try
        {
            TopicLayout.ValidateName(topic);
        }
        catch (TopicException e)
        {
            throw Invalid(committable, e.Message);
        }
        if (transactionId.Length == 0 || transactionId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            throw Invalid(committable, $"'{transactionId}' is not a transaction id");
        }
        var parsed = new List<int>();
        foreach (var partition in partitions.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(partition, NumberStyles.None, CultureInfo.InvariantCulture, out var p)) throw Invalid(committable, $"'{partition}' is not a partition number");
            parsed.Add(p);
        }
        return new TopicSinkCommittable(topic, transactionId, parsed);
    }

    private static NonRecoverableJobException Invalid(string committable, string reason) =>
        new($"The snapshot's topic sink transaction '{committable}' cannot be read: {reason}. The snapshot is damaged or was not written by GrainFlow's topic sink.");
}
