using System.Diagnostics;

namespace GrainFlow.Bench.Windows;

/// <summary>
/// The ceiling: the same per-user window counts as a plain single-threaded loop over the same events,
/// with the same watermark (the largest timestamp seen − 5 s − 1) and windows fired in end order from
/// a priority queue as the watermark passes them; no channels, no checkpoints, no generic state.
/// </summary>
internal static class WindowLoops
{
    private const long OutOfOrdernessMs = 5000;

    public static (double Seconds, long Total, long Windows) Run(WindowKind kind, long events, long users, long intervalMs)
    {
        var watch = Stopwatch.StartNew();
        var (total, windows) = kind == WindowKind.Session ? Sessions(events, users, intervalMs) : Aligned(kind, events, users, intervalMs);
        return (watch.Elapsed.TotalSeconds, total, windows);
    }

    private static (long Total, long Windows) Aligned(WindowKind kind, long events, long users, long intervalMs)
    {
        var size = (long)WindowKinds.Size.TotalMilliseconds;
        var slide = kind == WindowKind.Sliding ? (long)WindowKinds.Slide.TotalMilliseconds : size;
        var counts = new Dictionary<(long User, long Start), long>();
        var timers = new PriorityQueue<(long User, long Start), long>();
        long total = 0, windows = 0, watermark = long.MinValue;
        for (long n = 0; n < events; n++)
        {
            var user = BenchEvents.UserOf(n, users);
            var timestamp = BenchEvents.TimestampOf(n, intervalMs);
            for (var start = timestamp - (timestamp % slide); start > timestamp - size; start -= slide)
            {
                ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, (user, start), out var exists);
                if (!exists) timers.Enqueue((user, start), start + size - 1);
                count++;
            }
            watermark = Math.Max(watermark, timestamp - OutOfOrdernessMs - 1);
            while (timers.TryPeek(out var window, out var end) && end <= watermark) Fire(timers.Dequeue(), counts, ref total, ref windows);
        }
        while (timers.Count > 0) Fire(timers.Dequeue(), counts, ref total, ref windows);
        return (total, windows);
    }

    private static void Fire((long User, long Start) window, Dictionary<(long User, long Start), long> counts, ref long total, ref long windows)
    {
        counts.Remove(window, out var count);
        total += count;
        windows++;
    }

    private static (long Total, long Windows) Sessions(long events, long users, long intervalMs)
    {
        var gap = (long)WindowKinds.Gap.TotalMilliseconds;
        var sessions = new Dictionary<long, (long End, long Count)>();
        var timers = new PriorityQueue<(long User, long End), long>();
        long total = 0, windows = 0, watermark = long.MinValue;
        for (long n = 0; n < events; n++)
        {
            var user = BenchEvents.UserOf(n, users);
            var timestamp = BenchEvents.TimestampOf(n, intervalMs);
            ref var session = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sessions, user, out var exists);
            if (exists && timestamp >= session.End)
            {
                // Past the gap (timestamps only grow here): the session is closed, whether or not the watermark got there yet.
                total += session.Count;
                windows++;
                exists = false;
            }
            session = exists ? (Math.Max(session.End, timestamp + gap), session.Count + 1) : (timestamp + gap, 1);
            timers.Enqueue((user, session.End), session.End - 1);
            watermark = Math.Max(watermark, timestamp - OutOfOrdernessMs - 1);
            while (timers.TryPeek(out _, out var end) && end <= watermark) FireSession(timers.Dequeue(), sessions, ref total, ref windows);
        }
        while (timers.Count > 0) FireSession(timers.Dequeue(), sessions, ref total, ref windows);
        return (total, windows);
    }

    /// <summary>A timer of a session that grew since (or closed already) is stale and does nothing.</summary>
    private static void FireSession((long User, long End) timer, Dictionary<long, (long End, long Count)> sessions, ref long total, ref long windows)
    {
        if (!sessions.TryGetValue(timer.User, out var session) || session.End != timer.End) return;
        sessions.Remove(timer.User);
        total += session.Count;
        windows++;
    }
}
