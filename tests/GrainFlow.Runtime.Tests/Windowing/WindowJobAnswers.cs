using System.Globalization;
using GrainFlow.Runtime.Tests.TestJobs;

namespace GrainFlow.Runtime.Tests.Windowing;

/// <summary>The failure-free output of the event-time test jobs, computed directly from the records, and their committed output on disk.</summary>
internal static class WindowJobAnswers
{
    /// <summary>Every window line <see cref="EventTimeWindowJob"/> writes for records 0 … records-1, sorted.</summary>
    public static List<string> WindowLines(string kind, long records, long keys)
    {
        var sums = new Dictionary<(long Key, long Start, long End), (long Count, long Sum)>();
        void Add(long key, long start, long end, long n)
        {
            var (count, sum) = sums.GetValueOrDefault((key, start, end));
            sums[(key, start, end)] = (count + 1, sum + n);
        }
        if (kind == "session") return Sessions(records, keys);
        for (var n = 0L; n < records; n++)
        {
            var ts = EventTimeNumbers.Timestamp(n);
            if (kind == "tumbling")
            {
                var size = (long)EventTimeWindowJob.TumblingSize.TotalMilliseconds;
                Add(n % keys, ts - ts % size, ts - ts % size + size, n);
                continue;
            }
            var (windowSize, slide) = ((long)EventTimeWindowJob.SlidingSize.TotalMilliseconds, (long)EventTimeWindowJob.SlidingSlide.TotalMilliseconds);
            for (var start = ts - ts % slide; start > ts - windowSize; start -= slide) Add(n % keys, start, start + windowSize, n);
        }
        return Sorted(sums.Select(s => Line(s.Key.Key, s.Key.Start, s.Key.End, s.Value.Count, s.Value.Sum)));
    }

    /// <summary>Per key, records whose [ts, ts + gap) windows overlap or touch form one session.</summary>
    private static List<string> Sessions(long records, long keys)
    {
        var gap = (long)EventTimeWindowJob.SessionGap.TotalMilliseconds;
        var lines = new List<string>();
        for (var key = 0L; key < keys; key++)
        {
            var events = new List<(long Ts, long N)>();
            for (var n = key; n < records; n += keys) events.Add((EventTimeNumbers.Timestamp(n), n));
            events.Sort();
            long start = 0, end = long.MinValue, count = 0, sum = 0;
            foreach (var (ts, n) in events)
            {
                if (ts > end)
                {
                    if (count > 0) lines.Add(Line(key, start, end, count, sum));
                    (start, count, sum) = (ts, 0, 0);
                }
                end = Math.Max(end, ts + gap);
                count++;
                sum += n;
            }
            if (count > 0) lines.Add(Line(key, start, end, count, sum));
        }
        return Sorted(lines);
    }

    /// <summary>What <see cref="EventTimeTimersJob"/> writes for records 0 … records-1, sorted: per key and second, how many records it held.</summary>
    public static List<string> TimerFirings(long records, long keys)
    {
        var counts = new Dictionary<(long Key, long Timer), long>();
        for (var n = 0L; n < records; n++)
        {
            var timer = EventTimeTimersJob.BucketEnd(EventTimeNumbers.Timestamp(n));
            counts[(n % keys, timer)] = counts.GetValueOrDefault((n % keys, timer)) + 1;
        }
        return Sorted(counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key.Key},{c.Key.Timer},{c.Value}")));
    }

    /// <summary>The lines of every committed part file in <paramref name="directories"/> (in-progress files are hidden, not part-*), sorted.</summary>
    public static List<string> Committed(params string[] directories) =>
        Sorted(directories.Where(Directory.Exists).SelectMany(d => Directory.GetFiles(d, "part-*")).SelectMany(File.ReadLines).Where(l => l.Length > 0));

    /// <summary>Fails with the first differences (missing and extra lines) instead of two long lists.</summary>
    public static void AssertSameLines(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string context)
    {
        var missing = expected.Except(actual).Take(5).ToList();
        var extra = actual.Except(expected).Take(5).ToList();
        var duplicates = actual.GroupBy(l => l).Where(g => g.Count() > 1).Select(g => $"{g.Key} ×{g.Count()}").Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && duplicates.Count == 0 && expected.Count == actual.Count,
            $"{context}: expected {expected.Count} lines, got {actual.Count}; missing [{string.Join("; ", missing)}], extra [{string.Join("; ", extra)}], duplicated [{string.Join("; ", duplicates)}]");
    }

    private static string Line(long key, long start, long end, long count, long sum) =>
        string.Create(CultureInfo.InvariantCulture, $"{key},{start},{end},{count},{sum}");

    private static List<string> Sorted(IEnumerable<string> lines) => lines.Order(StringComparer.Ordinal).ToList();
}
