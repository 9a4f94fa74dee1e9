using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.State;
using Microsoft.Extensions.Time.Testing;
using static GrainFlow.Runtime.Tests.State.KeyedStateCheckpoints;

namespace GrainFlow.Runtime.Tests.State;

/// <summary>
/// The timer service of a keyed operator, on every backend (<see cref="StateBackendsUnderTest"/>): event-time and processing-time timers per key and namespace,
/// deduplicated, fired in time order with their key current, and keyed state in every snapshot —
/// restored where their key group goes and fired once across a restore.
/// </summary>
[Trait("Category", "Unit")]
public sealed class InternalTimerServiceTests
{
    private static readonly TestWindow W1 = new(0, 10), W2 = new(10, 20);

    /// <summary>Records what fired, checking that the timer's key is current and the chain's timestamp is set as the service promises.</summary>
    private sealed class Recorder(IKeyedStateBackend<long> backend, RecordTimestamp timestamp) : ITriggerable<long, TestWindow>
    {
        public List<(string Domain, InternalTimer<long, TestWindow> Timer)> Fired { get; } = new();

        public Action<InternalTimer<long, TestWindow>>? OnFire { get; set; }

        public void OnEventTime(InternalTimer<long, TestWindow> timer)
        {
            Assert.Equal(timer.Key, backend.CurrentKey);
            Assert.Equal(timer.Timestamp, timestamp.Current);
            Fired.Add(("event", timer));
            OnFire?.Invoke(timer);
        }

        public void OnProcessingTime(InternalTimer<long, TestWindow> timer)
        {
            Assert.Equal(timer.Key, backend.CurrentKey);
            Assert.False(timestamp.HasTimestamp);
            Fired.Add(("processing", timer));
            OnFire?.Invoke(timer);
        }
    }

    private sealed record Subtask(IKeyedStateBackend<long> Backend, InternalTimerService<long, TestWindow> Timers, Recorder Recorder);

    private static Subtask Open(IKeyedStateBackend<long> backend)
    {
        var timestamp = new RecordTimestamp();
        var recorder = new Recorder(backend, timestamp);
        var manager = new InternalTimeServiceManager<long>(backend, new FakeTimeProvider(), timestamp);
        return new Subtask(backend, manager.GetInternalTimerService("window-timers", recorder), recorder);
    }

    private static Subtask Open(string type, int subtask, int parallelism, params RestoredKeyedState[] restored) => Open(Backend(type, subtask, parallelism, restored));

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void EventTimeTimersFireInTimestampOrderUpToTheWatermarkEachOnce(string type)
    {
        var (backend, timers, recorder) = Open(type, 0, 1);
        Assert.Equal(long.MinValue, timers.CurrentWatermark);
        foreach (var (key, ns, time) in new[] { (1L, W1, 30L), (2L, W1, 10L), (1L, W2, 20L), (2L, W2, 10L), (3L, W1, 50L) })
        {
            backend.SetCurrentKey(key);
            timers.RegisterEventTimeTimer(ns, time);
        }
        backend.SetCurrentKey(1);
        timers.RegisterEventTimeTimer(W1, 30); // the same key, namespace and time: deduplicated
        Assert.Equal(5, timers.NumEventTimeTimers);

        timers.AdvanceWatermark(9);
        Assert.Empty(recorder.Fired);
        timers.AdvanceWatermark(30);
        Assert.Equal(30, timers.CurrentWatermark);
        Assert.Equal([10L, 10, 20, 30], recorder.Fired.Select(f => f.Timer.Timestamp));
        Assert.Equal(
            [new InternalTimer<long, TestWindow>(10, 2, W1), new(10, 2, W2), new(20, 1, W2), new(30, 1, W1)],
            recorder.Fired.Select(f => f.Timer).OrderBy(t => t.Timestamp).ThenBy(t => t.Namespace.Start));
        Assert.All(recorder.Fired, f => Assert.Equal("event", f.Domain));

        timers.AdvanceWatermark(40);
        Assert.Equal(4, recorder.Fired.Count);
        Assert.Equal(1, timers.NumEventTimeTimers);
        Assert.Empty(timers.ProcessingTimeTimers); // the domains are apart
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void DeletedTimersDoNotFireAndTimersRegisteredWhileFiringFireInTheSameAdvanceWhenDue(string type)
    {
        var (backend, timers, recorder) = Open(type, 0, 1);
        backend.SetCurrentKey(4);
        timers.RegisterEventTimeTimer(W1, 100);
        timers.RegisterEventTimeTimer(W1, 200);
        timers.DeleteEventTimeTimer(W1, 100);
        timers.DeleteEventTimeTimer(W2, 200); // another namespace: nothing to delete
        timers.RegisterEventTimeTimer(W1, 100);
        timers.DeleteEventTimeTimer(W1, 100);
        recorder.OnFire = timer =>
        {
            if (timer.Timestamp == 200) timers.RegisterEventTimeTimer(W2, 250); // due: fires in this advance
            if (timer.Timestamp == 250) timers.RegisterEventTimeTimer(W2, 900); // not due yet
        };

        timers.AdvanceWatermark(300);
        Assert.Equal([200L, 250], recorder.Fired.Select(f => f.Timer.Timestamp));
        Assert.Equal([(int)KeyGroupAssignment.KeyGroupFor(4L, MaxParallelism)], timers.EventTimeTimers.Select(t => t.KeyGroup));
        Assert.Equal(900, Assert.Single(timers.EventTimeTimers).Timer.Timestamp);
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void ProcessingTimeTimersFireInOrderAtTheirTimeWithTheKeyCurrentAndNoTimestamp(string type)
    {
        var (backend, timers, recorder) = Open(type, 0, 1);
        for (long key = 0; key < 20; key++)
        {
            backend.SetCurrentKey(key);
            timers.RegisterProcessingTimeTimer(W1, 1_000 - key * 10);
            timers.RegisterProcessingTimeTimer(W1, 1_000 - key * 10);
        }
        backend.SetCurrentKey(3);
        timers.DeleteProcessingTimeTimer(W1, 970);
        Assert.Equal(19, timers.NumProcessingTimeTimers);

        timers.AdvanceWatermark(long.MaxValue); // event time does not fire processing-time timers
        Assert.Empty(recorder.Fired);
        timers.OnProcessingTime(900);
        Assert.Equal([810L, 820, 830, 840, 850, 860, 870, 880, 890, 900], recorder.Fired.Select(f => f.Timer.Timestamp));
        timers.OnProcessingTime(2_000);
        Assert.Equal(19, recorder.Fired.Count);
        Assert.Equal(recorder.Fired.Select(f => f.Timer.Timestamp).Order(), recorder.Fired.Select(f => f.Timer.Timestamp));
        Assert.All(recorder.Fired, f => Assert.Equal("processing", f.Domain));
    }

    public static IEnumerable<object[]> RescalingCases => StateBackendsUnderTest.With([1, 3], [3, 2]);

    [Theory]
    [MemberData(nameof(RescalingCases))]
    public void TimersAreInTheSnapshotPerKeyGroupAndFireOnceAfterARestoreAtAnotherParallelism(string type, int from, int to)
    {
        var before = Enumerable.Range(0, from).Select(i => Open(type, i, from)).ToList();
        var registered = new HashSet<(string Domain, InternalTimer<long, TestWindow> Timer)>();
        for (long key = 0; key < 400; key++)
        {
            var subtask = Owner(before, key);
            subtask.Backend.SetCurrentKey(key);
            var ns = key % 2 == 0 ? W1 : W2;
            foreach (var time in new[] { 100 + key, 1_000 + key % 7 })
            {
                subtask.Timers.RegisterEventTimeTimer(ns, time);
                registered.Add(("event", new(time, key, ns)));
            }
            subtask.Timers.RegisterProcessingTimeTimer(ns, 5_000 + key);
            registered.Add(("processing", new(5_000 + key, key, ns)));
        }
        // Timers that fire before the checkpoint are not in it; those registered before it are.
        foreach (var subtask in before) subtask.Timers.AdvanceWatermark(149);
        var firedBefore = before.SelectMany(s => s.Recorder.Fired).ToHashSet();
        Assert.Equal(50, firedBefore.Count);
        var checkpoints = before.Select(s => Checkpoint(s.Backend)).ToArray();
        // What happens after the checkpoint is not in it.
        foreach (var subtask in before) subtask.Timers.AdvanceWatermark(long.MaxValue);

        var after = Enumerable.Range(0, to).Select(i => Open(type, i, to, checkpoints)).ToList();
        foreach (var subtask in after)
        {
            Assert.All(subtask.Timers.EventTimeTimers.Concat(subtask.Timers.ProcessingTimeTimers), t =>
            {
                Assert.True(subtask.Backend.KeyGroups.Contains(t.KeyGroup));
                Assert.Equal(KeyGroupAssignment.KeyGroupFor(t.Timer.Key, MaxParallelism), t.KeyGroup);
            });
            subtask.Timers.AdvanceWatermark(long.MaxValue);
            subtask.Timers.OnProcessingTime(long.MaxValue);
            Assert.Equal(0, subtask.Timers.NumEventTimeTimers + subtask.Timers.NumProcessingTimeTimers);
            var eventTimes = subtask.Recorder.Fired.Where(f => f.Domain == "event").Select(f => f.Timer.Timestamp).ToList();
            Assert.Equal(eventTimes.Order(), eventTimes);
        }
        var firedAfter = after.SelectMany(s => s.Recorder.Fired).ToList();
        Assert.Equal(firedAfter.Count, firedAfter.Distinct().Count());
        Assert.Empty(firedAfter.Intersect(firedBefore));
        Assert.Equal(registered.Count, firedBefore.Count + firedAfter.Count);
        Assert.True(registered.SetEquals(firedBefore.Concat(firedAfter)), "every registered timer fired");
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void TwoServicesKeepTheirTimersApartAndANameTakenByAnotherNamespaceTypeIsRefused(string type)
    {
        using var backend = Backend(type, 0, 1);
        var timestamp = new RecordTimestamp();
        var manager = new InternalTimeServiceManager<long>(backend, new FakeTimeProvider(), timestamp);
        var windows = new Recorder(backend, timestamp);
        var other = new Recorder(backend, timestamp);
        var first = manager.GetInternalTimerService("window-timers", windows);
        var second = manager.GetInternalTimerService("other-timers", other);
        Assert.Same(first, manager.GetInternalTimerService("window-timers", windows));
        backend.SetCurrentKey(1);
        first.RegisterEventTimeTimer(W1, 10);
        second.RegisterEventTimeTimer(W1, 20);
        Assert.Contains(backend.Tables, t => t.Name == "_event_timers[window-timers]" && t.Count == 1);
        Assert.Contains(backend.Tables, t => t.Name == "_event_timers[other-timers]" && t.Count == 1);

        manager.AdvanceWatermark(15);
        Assert.Single(windows.Fired);
        Assert.Empty(other.Fired);
        Assert.Equal(15, second.CurrentWatermark);

        var error = Assert.Throws<InvalidOperationException>(() => manager.GetInternalTimerService<VoidNamespace>("window-timers", null!));
        Assert.Contains("'window-timers' was already created", error.Message);
        Assert.Throws<ArgumentException>(() => manager.GetInternalTimerService("bad]name", windows));
    }
}
