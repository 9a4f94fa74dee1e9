using System.Text.Json.Serialization;

namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// The time interval [<see cref="Start"/>, <see cref="End"/>) in epoch milliseconds (Flink's
/// <c>TimeWindow</c>). Its <see cref="MaxTimestamp"/> is <c>End − 1</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.TimeWindow")]
public sealed record TimeWindow([property: Id(0)] long Start, [property: Id(1)] long End) : Window
{
    [JsonIgnore]
    public override long MaxTimestamp => End - 1;

    /// <summary>Whether the windows overlap or touch (<c>[0, 5)</c> and <c>[5, 10)</c> do): such session windows merge.</summary>
    public bool Intersects(TimeWindow other) => Start <= other.End && End >= other.Start;

    /// <summary>The smallest window containing both.</summary>
    public TimeWindow Cover(TimeWindow other) => new(Math.Min(Start, other.Start), Math.Max(End, other.End));

    /// <summary>
    /// The start of the window of length <paramref name="windowSize"/> that contains <paramref name="timestamp"/>,
    /// windows being aligned to the epoch shifted by <paramref name="offset"/>; right for negative timestamps too.
    /// </summary>
    public static long GetWindowStartWithOffset(long timestamp, long offset, long windowSize)
    {
        var remainder = (timestamp - offset) % windowSize;
        return remainder < 0 ? timestamp - (remainder + windowSize) : timestamp - remainder;
    }

    /// <summary>
    /// Merges the windows that overlap or touch (Flink's <c>TimeWindow.mergeWindows</c>): calls
    /// <paramref name="merge"/> with each group of two or more windows and the window covering them.
    /// </summary>
    public static void MergeWindows(IEnumerable<TimeWindow> windows, Action<IReadOnlyCollection<TimeWindow>, TimeWindow> merge)
    {
        TimeWindow? cover = null;
        var group = new List<TimeWindow>();
        foreach (var candidate in windows.Distinct().OrderBy(w => w.Start).ThenBy(w => w.End))
        {
            if (cover is not null && cover.Intersects(candidate))
            {
                cover = cover.Cover(candidate);
                group.Add(candidate);
                continue;
            }
            if (group.Count > 1) merge(group, cover!);
            cover = candidate;
            group = [candidate];
        }
        if (group.Count > 1) merge(group, cover!);
    }

    // Windows name keyed state, so every state lookup of a window compares and hashes it: the record's
    // synthesized members would also compare and hash its EqualityContract, through virtual calls.
    public bool Equals(TimeWindow? other) => ReferenceEquals(this, other) || (other is not null && Start == other.Start && End == other.End);

    public override int GetHashCode() => unchecked(Start.GetHashCode() * -1521134295 + End.GetHashCode());

    public override string ToString() => $"TimeWindow{{start={Start}, end={End}}}";
}
