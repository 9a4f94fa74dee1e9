using System.Collections.Immutable;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.State;
using static GrainFlow.Runtime.Tests.State.KeyedStateCheckpoints;

namespace GrainFlow.Runtime.Tests.State;

/// <summary>
/// The heap backend's timer queue on its own: time order, deduplication and deletion answered from
/// the last timer touched as they would be from the table, timers of one time sharing their arrays,
/// and a captured snapshot that nothing done to the queue afterwards changes.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TimerQueueTests
{
    private static readonly TestWindow W1 = new(0, 10), W2 = new(10, 20);

    private static int Group(long key) => KeyGroupAssignment.KeyGroupFor(key, MaxParallelism);

    private static (HeapKeyedStateBackend<long> Backend, IKeyGroupedTimerQueue<long, TestWindow> Queue) Open(params RestoredKeyedState[] restored)
    {
        var backend = (HeapKeyedStateBackend<long>)Backend(StateBackendsUnderTest.Heap, 0, 1, restored);
        return (backend, backend.CreateTimerQueue<TestWindow>("_event_timers[q]"));
    }

    private static List<InternalTimer<long, TestWindow>> TakeAll(IKeyGroupedTimerQueue<long, TestWindow> queue, long upTo)
    {
        var taken = new List<InternalTimer<long, TestWindow>>();
        while (queue.TryTakeDue(upTo, out var timer)) taken.Add(timer);
        return taken;
    }

    [Fact]
    public void TimersComeOutInTimeOrderEachOnceWhateverTheOrderTheyWereRegisteredIn()
    {
        var (_, queue) = Open();
        var times = new[] { 50L, 10, 40, 10, 30, 20, 50 };
        for (var i = 0; i < times.Length; i++) queue.Register(Group(i), i, W1, times[i]);
        queue.Register(Group(1), 1, W1, 10); // again, right after another timer: still one
        Assert.Equal(7, queue.Count);

        var taken = TakeAll(queue, 40);
        Assert.Equal([10L, 10, 20, 30, 40], taken.Select(t => t.Timestamp));
        Assert.Equal(5, taken.Distinct().Count());
        Assert.Equal([50L, 50], TakeAll(queue, long.MaxValue).Select(t => t.Timestamp));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void ATimerRegisteredTwiceInARowOrAfterOthersIsOneTimer()
    {
        var (backend, queue) = Open();
        queue.Register(Group(1), 1, W1, 9);
        queue.Register(Group(1), 1, W1, 9);
        queue.Register(Group(2), 2, W1, 9);
        queue.Register(Group(1), 1, W1, 9);
        queue.Register(Group(1), 1, new TestWindow(0, 10), 9); // an equal window, another instance
        Assert.Equal(2, queue.Count);
        Assert.Equal(2, backend.Tables.Single().Count);
        Assert.Equal([1L, 2], TakeAll(queue, 9).Select(t => t.Key).Order());
    }

    [Fact]
    public void ATakenTimerCannotBeDeletedButOnceRegisteredAgainItCanAndThenNeverFires()
    {
        var (_, queue) = Open();
        queue.Register(Group(3), 3, W1, 9);
        Assert.True(queue.TryTakeDue(9, out var timer));
        Assert.Equal(new InternalTimer<long, TestWindow>(9, 3, W1), timer);
        Assert.False(queue.Delete(Group(3), 3, W1, 9)); // the window's cleanup, right after its timer fired

        queue.Register(Group(3), 3, W1, 9);
        Assert.Equal(1, queue.Count);
        Assert.True(queue.Delete(Group(3), 3, W1, 9));
        Assert.False(queue.Delete(Group(3), 3, W1, 9));
        Assert.Equal(0, queue.Count);
        Assert.Empty(TakeAll(queue, long.MaxValue)); // its queued entry is skipped
    }

    [Fact]
    public void DeletingOneOfSeveralTimesOfAKeyAndNamespaceKeepsTheOthersInOrder()
    {
        var (_, queue) = Open();
        foreach (var time in new[] { 30L, 10, 20 }) queue.Register(Group(4), 4, W2, time);
        Assert.True(queue.Delete(Group(4), 4, W2, 20));
        Assert.False(queue.Delete(Group(4), 4, W2, 25));
        queue.Register(Group(4), 4, W2, 20);
        Assert.True(queue.Delete(Group(4), 4, W2, 20)); // its first entry is still queued: neither it nor this one fires
        Assert.Equal([10L, 30], TakeAll(queue, long.MaxValue).Select(t => t.Timestamp));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void TimersOfOneTimeShareTheirArraysAndASnapshotKeepsWhatWasRegisteredAtItsCapture()
    {
        var (backend, queue) = Open();
        for (long key = 0; key < 100; key++) queue.Register(Group(key), key, W1, 9);
        var table = (StateTable<NamespacedKey<long, TestWindow>, ImmutableArray<long>>)backend.Tables.Single();
        var arrays = table.Entries.Select(e => e.Value).ToList();
        Assert.True(arrays.All(a => a == arrays[0]), "one array for the timers of one time");

        var snapshot = table.CaptureSnapshot();
        queue.Register(Group(5), 5, W1, 19); // adds a time to a shared array's entry
        Assert.True(queue.Delete(Group(6), 6, W1, 9));
        Assert.Equal(Enumerable.Range(0, 99).Select(_ => 9L).Append(19).Order(), TakeAll(queue, long.MaxValue).Select(t => t.Timestamp).Order());
        Assert.Equal(0, table.Count);

        Assert.Equal(100, snapshot.Count);
        Assert.All(snapshot.Entries, e => Assert.Equal(9L, Assert.Single(e.Value)));
    }

    [Fact]
    public void ARestoredTimerIsRegisteredEvenForTheFirstCallOfTheQueue()
    {
        var (backend, queue) = Open();
        queue.Register(Group(0), 0, W1, 0);

        var (_, again) = Open(Checkpoint(backend));
        Assert.Equal(1, again.Count);
        Assert.True(again.Delete(Group(0), 0, W1, 0));
        Assert.Empty(TakeAll(again, long.MaxValue));

        var (_, third) = Open(Checkpoint(backend));
        third.Register(Group(0), 0, W1, 0);
        Assert.Equal(1, third.Count);
        Assert.Equal([0L], TakeAll(third, long.MaxValue).Select(t => t.Timestamp));
    }

    [Fact]
    public void TimersOfOneTimeComeOutKeyGroupByKeyGroupAndOneRegisteredMeanwhileForAnEarlierTimeComesFirst()
    {
        var (_, queue) = Open();
        for (long key = 0; key < 500; key++) queue.Register(Group(key), key, W1, 9);
        queue.Register(Group(7), 7, W2, 19);

        Assert.True(queue.TryTakeDue(19, out var first));
        Assert.Equal(9, first.Timestamp);
        // While the first fires: a timer for an earlier time, one for the same time, and one of the time deleted.
        queue.Register(Group(1000), 1000, W1, 4);
        queue.Register(Group(1001), 1001, W1, 9);
        var deleted = first.Key == 3 ? 4 : 3;
        Assert.True(queue.Delete(Group(deleted), deleted, W1, 9));

        var rest = TakeAll(queue, 19);
        Assert.Equal(new InternalTimer<long, TestWindow>(4, 1000, W1), rest[0]);
        var ofTheTime = rest.Skip(1).TakeWhile(t => t.Key < 500).ToList();
        Assert.Equal(Enumerable.Range(0, 500).Select(k => (long)k).Except([first.Key, deleted]).Order(), ofTheTime.Select(t => t.Key).Order());
        Assert.All(ofTheTime, t => Assert.Equal(9, t.Timestamp));
        var groups = ofTheTime.Select(t => Group(t.Key)).Prepend(Group(first.Key)).ToList();
        Assert.Equal(groups.Order(), groups);
        Assert.Equal([new InternalTimer<long, TestWindow>(9, 1001, W1), new InternalTimer<long, TestWindow>(19, 7, W2)], rest.Skip(1 + ofTheTime.Count));
        Assert.Equal(0, queue.Count);
    }
}
