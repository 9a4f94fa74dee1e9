using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.State;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace GrainFlow.Runtime.Tests.State;

/// <summary>Processing-time timers as keyed state: captured with the other tables, written per key group, restored on any parallelism.</summary>
[Trait("Category", "Unit")]
public sealed class ProcessingTimeTimerStateTests
{
    private const int MaxParallelism = 128;
    private static readonly StateCodecs Codecs = new(new ServiceCollection().AddSerializer().BuildServiceProvider());

    private static KeyedStateBackend<long> Backend(int subtask, int parallelism, params RestoredKeyedState[] restored)
    {
        var backend = new KeyedStateBackend<long>(KeyGroupAssignment.RangeForSubtask(subtask, parallelism, MaxParallelism), MaxParallelism);
        foreach (var state in restored) backend.AddRestoredState(state);
        return backend;
    }

    /// <summary>What a checkpoint keeps of a backend: its tables' bytes per key group, as the snapshot writer stores them.</summary>
    private static RestoredKeyedState Checkpoint(KeyedStateBackend<long> backend)
    {
        var (data, offsets) = KeyedStateFormat.Write(backend.CaptureSnapshot(), backend.KeyGroups, Codecs);
        return new RestoredKeyedState(data, offsets, Codecs);
    }

    private static List<(long Key, long Time)> TakeAllDue(KeyedStateBackend<long> backend, ProcessingTimeTimers<long> timers, long nowMs)
    {
        var fired = new List<(long, long)>();
        while (timers.TryTakeDue(nowMs, out var key, out var time))
        {
            backend.SetCurrentKey(key); // as the operator does before OnTimer: fails if the timer came back on the wrong subtask
            fired.Add((key, time));
        }
        return fired;
    }

    [Fact]
    public void TimersFollowTheirKeyGroupsWhenRestoredWithAnotherParallelismAndDueOnesFireAtOnce()
    {
        var original = Backend(0, 1);
        var timers = original.GetProcessingTimeTimers();
        var registered = new HashSet<(long Key, long Time)>();
        for (long key = 0; key < 500; key++)
        {
            original.SetCurrentKey(key);
            foreach (var time in new[] { 1_000 + key, 5_000 + key % 7, 9_000 })
            {
                timers.RegisterForCurrentKey(time);
                registered.Add((key, time));
            }
        }
        var checkpoint = Checkpoint(original);
        // What happens after the checkpoint is not in it: fired, deleted and new timers alike.
        Assert.Equal(500, TakeAllDue(original, timers, 1_499).Count);
        original.SetCurrentKey(3);
        timers.DeleteForCurrentKey(9_000);
        timers.RegisterForCurrentKey(42);

        var restored = Enumerable.Range(0, 3).Select(i => Backend(i, 3, checkpoint)).ToList();
        var restoredTimers = restored.Select(b => b.GetProcessingTimeTimers()).ToList();
        for (var i = 0; i < 3; i++)
        {
            Assert.All(restoredTimers[i].All, t => Assert.True(restored[i].KeyGroups.Contains(t.KeyGroup), $"timer of key {t.Key} on subtask {i}"));
            Assert.All(restoredTimers[i].All, t => Assert.Equal(KeyGroupAssignment.KeyGroupFor(t.Key, MaxParallelism), t.KeyGroup));
        }
        Assert.Equal(registered.Order(), restoredTimers.SelectMany(t => t.All).Select(t => (t.Key, t.Time)).Order());
        Assert.Equal(registered.Count, restoredTimers.Sum(t => t.Count));

        // Restored at a time past every timer (the job was down for a while): all fire on the first tick, in time order, each once.
        var fired = restored.Zip(restoredTimers).Select(p => TakeAllDue(p.First, p.Second, 10_000)).ToList();
        Assert.All(fired, f => Assert.Equal(f.Select(t => t.Time).Order(), f.Select(t => t.Time)));
        Assert.Equal(registered.Order(), fired.SelectMany(f => f).Order());
        Assert.All(restoredTimers, t => Assert.Equal(0, t.Count));
        for (var i = 0; i < 3; i++) Assert.Empty(TakeAllDue(restored[i], restoredTimers[i], long.MaxValue));
    }

    [Fact]
    public void RestoredTimersNotYetDueWaitForTheirTimeAndAreMergedFromSeveralOldSubtasks()
    {
        var halves = Enumerable.Range(0, 2).Select(i => Backend(i, 2)).ToList();
        var registered = new List<(long Key, long Time)>();
        for (long key = 0; key < 200; key++)
        {
            var owner = halves[KeyGroupAssignment.SubtaskForKey(key, 2, MaxParallelism)];
            owner.SetCurrentKey(key);
            owner.GetProcessingTimeTimers().RegisterForCurrentKey(100 * (key % 10));
            registered.Add((key, 100 * (key % 10)));
        }
        var merged = Backend(0, 1, halves.Select(Checkpoint).ToArray());
        var timers = merged.GetProcessingTimeTimers();

        Assert.Equal(200, timers.Count);
        Assert.Equal(registered.Where(t => t.Time <= 450).Order(), TakeAllDue(merged, timers, 450).Order());
        Assert.Equal(registered.Where(t => t.Time > 450).Order(), TakeAllDue(merged, timers, 900).Order());
    }

    [Fact]
    public void ATimerCapturedInASnapshotStaysThereWhateverHappensToItAfterwards()
    {
        var backend = Backend(0, 1);
        var timers = backend.GetProcessingTimeTimers();
        backend.SetCurrentKey(7);
        timers.RegisterForCurrentKey(300);
        timers.RegisterForCurrentKey(100);
        timers.RegisterForCurrentKey(300); // deduplicated per key and time, as in Flink

        var snapshot = backend.CaptureSnapshot().Single(s => s.Name == ProcessingTimeTimers<long>.StateName);
        timers.DeleteForCurrentKey(300);
        timers.RegisterForCurrentKey(200);
        Assert.Equal([(7L, 100L)], TakeAllDue(backend, timers, 150));

        var captured = Assert.Single(snapshot.UntypedEntries);
        Assert.Equal(7L, captured.Key);
        Assert.Equal([100L, 300L], (IEnumerable<long>)captured.Value!);
        Assert.Equal([(7L, 200L)], TakeAllDue(backend, timers, 1_000));
    }

    [Fact]
    public void ADeletedAndRegisteredAgainTimerFiresOnce()
    {
        var backend = Backend(0, 1);
        var timers = backend.GetProcessingTimeTimers();
        backend.SetCurrentKey(1);
        timers.RegisterForCurrentKey(50);
        timers.DeleteForCurrentKey(50);
        timers.RegisterForCurrentKey(50);
        timers.DeleteForCurrentKey(60); // none registered: nothing happens

        Assert.Equal(1, timers.Count);
        Assert.Equal([(1L, 50L)], TakeAllDue(backend, timers, 100));
        Assert.Equal(0, timers.Count);
    }

    [Fact]
    public void UserStateCannotTakeTheTimersReservedName()
    {
        var backend = Backend(0, 1);
        var error = Assert.Throws<ArgumentException>(() => backend.GetValueState(new ValueStateDescriptor<long>(ProcessingTimeTimers<long>.StateName)));
        Assert.Contains("reserved for the processing-time timers", error.Message);
        Assert.Throws<ArgumentException>(() => backend.GetMapState(new MapStateDescriptor<long, long>(ProcessingTimeTimers<long>.StateName)));
        Assert.Throws<ArgumentException>(() => backend.GetListState(new ListStateDescriptor<long>(ProcessingTimeTimers<long>.StateName)));
    }
}
