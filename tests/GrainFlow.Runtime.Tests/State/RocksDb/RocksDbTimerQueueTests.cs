using GrainFlow.Runtime.State;
using GrainFlow.Savepoints;
using static GrainFlow.Runtime.Tests.State.KeyedStateCheckpoints;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>Timers kept in RocksDB behave exactly as the heap's timer queue: deduplicated, in time order, deleted before firing, restored with their key group.</summary>
[Trait("Category", "Unit")]
public sealed class RocksDbTimerQueueTests : IDisposable
{
    private const string Timers = "_event_timers[window-timers]";
    private static readonly TestWindow W1 = new(0, 10), W2 = new(10, 20);
    private readonly RocksDbTestBackends _backends = new();

    [Fact]
    public void TimersAreTakenInTimeOrderAcrossKeysAndKeyGroupsNegativeTimesFirst()
    {
        using var backend = _backends.Backend(0, 1);
        var queue = backend.CreateTimerQueue<TestWindow>(Timers);
        long[] times = [500, -20, 7, 1L << 40, 0, 99, -(1L << 40), 250];
        // Within one key group (one key) RocksDB orders them; across key groups the head index does.
        foreach (var key in new long[] { 3, 40, 41 })
        {
            foreach (var time in times) Register(backend, queue, key, W1, time + key);
        }

        Assert.Equal(3 * times.Length, queue.Count);
        Assert.False(queue.TryTakeDue(-(1L << 40) - 1, out _));
        var fired = Drain(queue, long.MaxValue);
        Assert.Equal(new long[] { 3, 40, 41 }.SelectMany(key => times.Select(time => time + key)).Order(), fired.Select(t => t.Timestamp));
        Assert.Equal(0, queue.Count);
        Assert.Empty(queue.All);
    }

    [Fact]
    public void ATimerRegisteredTwiceForTheSameKeyNamespaceAndTimeIsKeptOnce()
    {
        using var backend = _backends.Backend(0, 1);
        var queue = backend.CreateTimerQueue<TestWindow>(Timers);
        Register(backend, queue, 1, W1, 100);
        Register(backend, queue, 1, W1, 100);
        Register(backend, queue, 1, W2, 100);
        Register(backend, queue, 2, W1, 100);

        Assert.Equal(3, queue.Count);
        Assert.Equal([(1L, W1), (1L, W2), (2L, W1)], Drain(queue, 100).Select(t => (t.Key, t.Namespace)).OrderBy(t => t.Key).ThenBy(t => t.Namespace.Start));
    }

    [Fact]
    public void ADeletedTimerNeverFiresAndTheNextOneOfItsKeyGroupDoes()
    {
        using var backend = _backends.Backend(0, 1);
        var queue = backend.CreateTimerQueue<TestWindow>(Timers);
        Register(backend, queue, 5, W1, 10);
        Register(backend, queue, 5, W1, 20);
        Register(backend, queue, 5, W2, 30);

        backend.SetCurrentKey(5);
        Assert.True(queue.Delete(backend.CurrentGroupIndex, 5, W1, 10));
        Assert.False(queue.Delete(backend.CurrentGroupIndex, 5, W1, 10));
        Assert.False(queue.Delete(backend.CurrentGroupIndex, 5, W2, 20));
        Assert.Equal(2, queue.Count);
        Assert.False(queue.TryTakeDue(15, out _));
        Assert.True(queue.TryTakeDue(25, out var timer));
        Assert.Equal(new InternalTimer<long, TestWindow>(20, 5, W1), timer);
        // A timer registered while firing, at or before the watermark, is taken in the same loop.
        Register(backend, queue, 6, W1, 21);
        Assert.Equal([21L, 30L], Drain(queue, 30).Select(t => t.Timestamp));
    }

    [Fact]
    public void RandomRegistrationsDeletionsAndFiringMatchTheHeapTimerQueue()
    {
        var random = new Random(14);
        using var rocks = _backends.Backend(0, 1);
        var heap = RocksDbTestBackends.Heap(0, 1);
        var rocksQueue = rocks.CreateTimerQueue<TestWindow>(Timers);
        var heapQueue = heap.CreateTimerQueue<TestWindow>(Timers);
        long watermark = 0;
        for (var step = 0; step < 3_000; step++)
        {
            var key = (long)random.Next(50);
            var window = random.Next(2) == 0 ? W1 : W2;
            var time = watermark + random.Next(-5, 60);
            rocks.SetCurrentKey(key);
            heap.SetCurrentKey(key);
            switch (random.Next(10))
            {
                case < 6:
                    rocksQueue.Register(rocks.CurrentGroupIndex, key, window, time);
                    heapQueue.Register(heap.CurrentGroupIndex, key, window, time);
                    break;
                case < 8:
                    Assert.Equal(heapQueue.Delete(heap.CurrentGroupIndex, key, window, time), rocksQueue.Delete(rocks.CurrentGroupIndex, key, window, time));
                    break;
                default:
                    watermark += random.Next(30);
                    var fromRocks = Drain(rocksQueue, watermark);
                    Assert.Equal(fromRocks.Select(t => t.Timestamp).Order(), fromRocks.Select(t => t.Timestamp));
                    Assert.Equal(Sorted(Drain(heapQueue, watermark)), Sorted(fromRocks));
                    break;
            }
            Assert.Equal(heapQueue.Count, rocksQueue.Count);
        }
        Assert.Equal(Sorted(heapQueue.All.Select(t => t.Timer)), Sorted(rocksQueue.All.Select(t => t.Timer)));
    }

    [Theory]
    [InlineData(SavepointFormatType.Native)]
    [InlineData(SavepointFormatType.Canonical)]
    public void TimersMoveBetweenHeapAndRocksDbThroughTheirSnapshots(SavepointFormatType format)
    {
        var heap = RocksDbTestBackends.Heap(0, 1);
        var heapQueue = heap.CreateTimerQueue<TestWindow>(Timers);
        for (long key = 0; key < 200; key++)
        {
            heap.SetCurrentKey(key);
            heapQueue.Register(heap.CurrentGroupIndex, key, W1, 1_000 + key);
            if (key % 3 == 0) heapQueue.Register(heap.CurrentGroupIndex, key, W2, 5);
        }
        var fromHeap = KeyedStateCheckpoints.Checkpoint(heap, format);

        var rocks = Enumerable.Range(0, 3).Select(i => _backends.Backend(i, 3, fromHeap)).ToList();
        var rocksQueues = rocks.Select(b => b.CreateTimerQueue<TestWindow>(Timers)).ToList();
        Assert.Equal(200 + 67, rocksQueues.Sum(q => q.Count));
        for (var i = 0; i < 3; i++) Assert.All(rocksQueues[i].All, t => Assert.True(rocks[i].KeyGroups.Contains(t.KeyGroup)));

        var backToHeap = RocksDbTestBackends.Heap(0, 1, rocks.Select(b => KeyedStateCheckpoints.Checkpoint(b, format)).ToArray());
        var restored = backToHeap.CreateTimerQueue<TestWindow>(Timers);
        Assert.Equal(Sorted(heapQueue.All.Select(t => t.Timer)), Sorted(restored.All.Select(t => t.Timer)));
        Assert.Equal(Drain(heapQueue, long.MaxValue).Select(t => t.Timestamp), Drain(restored, long.MaxValue).Select(t => t.Timestamp));
    }

    private static void Register(IKeyedStateBackend<long> backend, IKeyGroupedTimerQueue<long, TestWindow> queue, long key, TestWindow window, long time)
    {
        backend.SetCurrentKey(key);
        queue.Register(backend.CurrentGroupIndex, key, window, time);
    }

    private static List<InternalTimer<long, TestWindow>> Drain(IKeyGroupedTimerQueue<long, TestWindow> queue, long watermark)
    {
        var fired = new List<InternalTimer<long, TestWindow>>();
        while (queue.TryTakeDue(watermark, out var timer)) fired.Add(timer);
        return fired;
    }

    private static List<InternalTimer<long, TestWindow>> Sorted(IEnumerable<InternalTimer<long, TestWindow>> timers) =>
        timers.OrderBy(t => t.Timestamp).ThenBy(t => t.Key).ThenBy(t => t.Namespace.Start).ToList();

    public void Dispose() => _backends.Dispose();
}
