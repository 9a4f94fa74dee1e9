using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Tests.State;
using GrainFlow.Runtime.Tests.State.RocksDb;

namespace GrainFlow.Runtime.Tests.Harness;

/// <summary>
/// A KeyedProcessFunction on RocksDB with event-time timers (<see cref="KeyedProcessFunctionTimerTests.SessionCounter"/>),
/// restored from an incremental checkpoint at another parallelism (as a subtask grain loads it): every key's count and
/// timer move to the subtask that owns its key group now, and every timer fires exactly once, across the old and the new subtasks.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RocksDbIncrementalTimerRescalingTests : IDisposable
{
    private readonly RocksDbIncrementalCheckpoints _checkpoints = new();
    private readonly List<KeyedOperatorHarness<string, (string User, long Time), string>> _harnesses = new();

    private KeyedOperatorHarness<string, (string User, long Time), string> Harness(HarnessSetup setup)
    {
        var harness = KeyedOperatorHarness.ForProcessFunction<string, (string User, long Time), string>(e => e.User, new KeyedProcessFunctionTimerTests.SessionCounter(),
            setup with { Backend = StateBackendsUnderTest.RocksDb });
        _harnesses.Add(harness);
        return harness;
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(4, 1)]
    public async Task EveryTimerAndItsKeysCountFireExactlyOnceAcrossAnIncrementalCheckpointRestoredAtAnotherParallelism(int from, int to)
    {
        var users = Enumerable.Range(0, 60).Select(i => $"user-{i}").ToList();
        var before = Enumerable.Range(0, from).Select(i => Harness(new HarnessSetup(i, from))).ToList();
        foreach (var (user, index) in users.Select((u, i) => (u, i)))
        {
            var owner = before.Single(h => h.KeyGroups.Contains(KeyGroupAssignment.KeyGroupFor(user, 128)));
            owner.ProcessElement((user, index * 10), index * 10);
            owner.ProcessElement((user, index * 10 + 1), index * 10 + 1);
        }
        foreach (var harness in before) harness.ProcessWatermark(300);
        var closedBefore = before.SelectMany(h => h.OutputValues).ToList();
        Assert.Equal(29, closedBefore.Count); // sessions ending 11, 21, …, 291
        var snapshots = new List<OperatorSnapshot>();
        foreach (var harness in before) snapshots.Add(await _checkpoints.SnapshotAsync(harness.Backend, 1));
        await _checkpoints.CompleteAsync(1, snapshots);
        foreach (var harness in before) harness.ProcessWatermark(long.MaxValue); // after the checkpoint: not in it

        var after = new List<KeyedOperatorHarness<string, (string User, long Time), string>>();
        for (var i = 0; i < to; i++) after.Add(Harness(new HarnessSetup(i, to, Restore: await _checkpoints.RestoreAsync(1, i, to))));
        foreach (var harness in after) harness.ProcessWatermark(long.MaxValue);

        var closedAfter = after.SelectMany(h => h.OutputValues).ToList();
        Assert.Equal(users.Select((u, i) => $"{u}: 2 events, EventTime timer at {i * 10 + 1 + KeyedProcessFunctionTimerTests.Gap}").Order(),
            closedBefore.Concat(closedAfter).Select(o => o[..o.IndexOf(", timestamp", StringComparison.Ordinal)]).Order());
        foreach (var harness in after)
        {
            var times = harness.Output.Select(o => o.Timestamp!.Value).ToList();
            Assert.Equal(times.Order(), times);
        }
    }

    public void Dispose()
    {
        foreach (var harness in _harnesses) harness.Dispose();
        _checkpoints.Dispose();
    }
}
