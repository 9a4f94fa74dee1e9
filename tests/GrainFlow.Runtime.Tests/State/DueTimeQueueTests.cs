using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Tests.State;

/// <summary>The timers' order: items come out by due time whether they came in order (the run) or not (the heap), with takes interleaved.</summary>
[Trait("Category", "Unit")]
public sealed class DueTimeQueueTests
{
    [Fact]
    public void ItemsComeOutByDueTimeWhetherTheyCameInOrderOrNotAndOnlyWhenDue()
    {
        var queue = new DueTimeQueue<int>();
        var random = new Random(13);
        var remaining = new SortedDictionary<long, int>();
        var clock = 0L;
        for (var i = 0; i < 20_000; i++)
        {
            // Mostly moving forward, sometimes late (out of order), sometimes a time already queued.
            var due = random.Next(10) switch { 0 => clock - random.Next(500), 1 => clock, _ => clock + random.Next(1_000) };
            queue.Enqueue(i, due);
            remaining[due] = remaining.GetValueOrDefault(due) + 1;
            if (i % 50 != 49) continue;

            clock += 100;
            var previous = long.MinValue;
            while (queue.TryDequeueDue(clock, out _, out var time))
            {
                Assert.InRange(time, previous, clock);
                previous = time;
                if (--remaining[time] == 0) remaining.Remove(time);
            }
            Assert.True(remaining.Count == 0 || remaining.Keys.First() > clock, "every item due by now was taken");
        }
        while (queue.TryDequeueDue(long.MaxValue, out _, out var time))
        {
            if (--remaining[time] == 0) remaining.Remove(time);
        }

        Assert.Empty(remaining);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void EveryItemComesOutOnceWithItsOwnDueTime()
    {
        var queue = new DueTimeQueue<string>();
        foreach (var (item, due) in new[] { ("a", 10L), ("b", 20L), ("c", 15L), ("d", 20L), ("e", 5L), ("f", 30L) }) queue.Enqueue(item, due);
        Assert.False(queue.TryDequeueDue(4, out _, out _));
        var order = new List<(string, long)>();
        while (queue.TryDequeueDue(20, out var item, out var due)) order.Add((item, due));
        Assert.Equal([("e", 5L), ("a", 10L), ("c", 15L)], order.Take(3));
        Assert.Equal(["b", "d"], order.Skip(3).Select(o => o.Item1).Order());
        Assert.Equal(1, queue.Count);
        Assert.True(queue.TryDequeueDue(30, out var last, out var lastDue));
        Assert.Equal(("f", 30L), (last, lastDue));
    }

    [Fact]
    public void PeekingTellsTheEarliestDueTimeWithoutTakingIt()
    {
        var queue = new DueTimeQueue<int>();
        Assert.False(queue.TryPeekDue(out _));
        queue.Enqueue(1, 20);
        queue.Enqueue(2, 10); // before the first run's tail: a run of its own
        queue.Enqueue(3, 30);
        Assert.True(queue.TryPeekDue(out var due));
        Assert.Equal(10, due);
        Assert.True(queue.TryDequeueDue(10, out var item, out _));
        Assert.Equal(2, item);
        Assert.True(queue.TryPeekDue(out due));
        Assert.Equal(20, due);
        Assert.Equal(2, queue.Count);
    }
}
