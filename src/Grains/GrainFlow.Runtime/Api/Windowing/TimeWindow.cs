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
    /// <paramref name="merge"/> with each group of two or more windows (by start, then end) and the
    /// window covering them. The group is valid only during the call.
    /// </summary>
    public static void MergeWindows(IEnumerable<TimeWindow> windows, Action<IReadOnlyCollection<TimeWindow>, TimeWindow> merge)
    {
        // Called for every element of a session window, mostly with one or two windows: no LINQ, one array.
        var sorted = windows.ToArray();
        if (sorted.Length < 2) return;
        Array.Sort(sorted, ByStartThenEnd.Instance);
        var cover = sorted[0];
        var groupStart = 0;
        for (var i = 1; i < sorted.Length; i++)
        {
            if (cover.Intersects(sorted[i]))
            {
                cover = cover.Cover(sorted[i]);
                continue;
            }
            if (i - groupStart > 1) merge(new ArraySegment<TimeWindow>(sorted, groupStart, i - groupStart), cover);
            cover = sorted[i];
            groupStart = i;
        }
        if (sorted.Length - groupStart > 1) merge(new ArraySegment<TimeWindow>(sorted, groupStart, sorted.Length - groupStart), cover);
    }

    private sealed class ByStartThenEnd : IComparer<TimeWindow>
    {
        public static readonly ByStartThenEnd Instance = new();

        public int Compare(TimeWindow? x, TimeWindow? y) => x!.Start != y!.Start ? x.Start.CompareTo(y.Start) : x.End.CompareTo(y.End);
    }

    // Windows name keyed state, so every state lookup of a window compares and hashes it: the record's
    // synthesized members would also compare and hash its EqualityContract, through virtual calls.
    public bool Equals(TimeWindow? other) => ReferenceEquals(this, other) || (other is not null && Start == other.Start && End == other.End);

    public override int GetHashCode() => unchecked(Start.GetHashCode() * -1521134295 + End.GetHashCode());

    public override string ToString() => $"TimeWindow{{start={Start}, end={End}}}";
}
