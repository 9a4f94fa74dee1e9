using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.Operators.Windowing;
using GrainFlow.Runtime.Tests.Harness;
using GrainFlow.Runtime.Tests.State;
using GrainFlow.Runtime.Tests.State.RocksDb;
using GrainFlow.Savepoints;

namespace GrainFlow.Runtime.Tests.Windowing;

/// <summary>
/// Window contents, merging-window sets, trigger state and timers are keyed state: a snapshot taken
/// mid-window and restored at another parallelism (each new subtask taking its key groups) gives the
/// same output as a run that never stopped — also from an incremental checkpoint of RocksDB backends.
/// </summary>
[Trait("Category", "Unit")]
public sealed class WindowRescalingTests
{
    private const int MaxParallelism = 128;
    private static readonly string[] Users = Enumerable.Range(0, 24).Select(i => $"user-{i}").ToArray();

    /// <summary>Sessions (gap 10) with lateness 5, counted and summed per user.</summary>
    private static WindowHarness<string> Sessions(HarnessSetup setup) =>
        new(clicks => clicks.Window(EventTimeSessionWindows.WithGap(TimeSpan.FromMilliseconds(10)))
            .AllowedLateness(TimeSpan.FromMilliseconds(5))
            .Aggregate(new ClickCount(), new DescribeWindow()), setup);

    /// <summary>Before the snapshot: two sessions per user, the first fired but within its lateness; the watermark at 12.</summary>
    private static void BeforeSnapshot(Func<string, WindowHarness<string>> owner, IEnumerable<WindowHarness<string>> all)
    {
        foreach (var (user, i) in Users.Select((u, i) => (u, i)))
        {
            owner(user).Add(user, 0, i);
            owner(user).Add(user, 30, 100 + i);
        }
        foreach (var harness in all) harness.Watermark(12);
    }

    /// <summary>After it (watermarks are not in snapshots: they come again): a late firing of the first session, the second grows, the end of time.</summary>
    private static void AfterSnapshot(Func<string, WindowHarness<string>> owner, IEnumerable<WindowHarness<string>> all)
    {
        foreach (var harness in all) harness.Watermark(12);
        foreach (var user in Users)
        {
            owner(user).Add(user, 0, 1000);
            owner(user).Add(user, 40, 10_000);
            owner(user).Add(user, 48, 100_000);
        }
        foreach (var harness in all) harness.Watermark(long.MaxValue);
    }

    private static IReadOnlyList<TimestampedValue<string>> Uninterrupted()
    {
        var harness = Sessions(new HarnessSetup());
        BeforeSnapshot(_ => harness, [harness]);
        AfterSnapshot(_ => harness, [harness]);
        return harness.Output;
    }

    private static Func<string, WindowHarness<string>> Owner(IReadOnlyList<WindowHarness<string>> subtasks) =>
        user => subtasks.Single(s => s.Operator.KeyGroups.Contains(KeyGroupAssignment.KeyGroupFor(user, MaxParallelism)));

    private static WindowHarness<string>[] Subtasks(int parallelism, SavepointFormatType format, IReadOnlyList<HarnessSnapshot>? restoreFrom = null) =>
        Enumerable.Range(0, parallelism).Select(i => Sessions(new HarnessSetup(i, parallelism, MaxParallelism, restoreFrom, format))).ToArray();

    [Theory]
    [InlineData(1, 2, SavepointFormatType.Native)]
    [InlineData(2, 3, SavepointFormatType.Native)]
    [InlineData(3, 1, SavepointFormatType.Native)]
    [InlineData(2, 3, SavepointFormatType.Canonical)]
    public void SessionsSnapshottedMidWindowRestoreAtAnotherParallelismWithTheSameOutput(int before, int after, SavepointFormatType format)
    {
        var expected = Uninterrupted();
        Assert.Equal(Users.Length * 3, expected.Count);

        var old = Subtasks(before, format);
        BeforeSnapshot(Owner(old), old);
        var snapshots = old.Select(s => s.Operator.Snapshot()).ToList();
        var restored = Subtasks(after, format, snapshots);
        AfterSnapshot(Owner(restored), restored);

        var output = old.SelectMany(s => s.Output).Concat(restored.SelectMany(s => s.Output));
        Assert.Equal(expected.OrderBy(o => o.Value, StringComparer.Ordinal), output.OrderBy(o => o.Value, StringComparer.Ordinal));
        Assert.Contains(new TimestampedValue<string>("user-3 [0, 10) count=1 sum=3", 9), expected);
        Assert.Contains(new TimestampedValue<string>("user-3 [0, 10) count=2 sum=1003", 9), expected);
        Assert.Contains(new TimestampedValue<string>("user-3 [30, 58) count=3 sum=110103", 57), expected);
        Assert.All(restored, s => Assert.Equal(0, s.Entries(WindowStateNames.Contents)));
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(4, 1)]
    public async Task SessionsInAnIncrementalRocksDbCheckpointRestoreAtAnotherParallelismWithTheSameOutput(int before, int after)
    {
        using var checkpoints = new RocksDbIncrementalCheckpoints();
        var old = Enumerable.Range(0, before).Select(i => Sessions(new HarnessSetup(i, before, MaxParallelism, Backend: StateBackendsUnderTest.RocksDb))).ToArray();
        BeforeSnapshot(Owner(old), old);
        var snapshots = new List<GrainFlow.Runtime.Checkpointing.OperatorSnapshot>();
        foreach (var subtask in old) snapshots.Add(await checkpoints.SnapshotAsync(subtask.Operator.Backend, 1));
        await checkpoints.CompleteAsync(1, snapshots);
        var restored = new WindowHarness<string>[after];
        for (var i = 0; i < after; i++)
        {
            restored[i] = Sessions(new HarnessSetup(i, after, MaxParallelism, Backend: StateBackendsUnderTest.RocksDb, Restore: await checkpoints.RestoreAsync(1, i, after)));
        }
        AfterSnapshot(Owner(restored), restored);

        var output = old.SelectMany(s => s.Output).Concat(restored.SelectMany(s => s.Output));
        Assert.Equal(Uninterrupted().OrderBy(o => o.Value, StringComparer.Ordinal), output.OrderBy(o => o.Value, StringComparer.Ordinal));
        Assert.All(restored, s => Assert.Equal(0, s.Entries(WindowStateNames.Contents)));
        foreach (var subtask in old.Concat(restored)) subtask.Operator.Dispose();
    }

    [Fact]
    public void ACountTriggersCountSurvivesARestoreAtAnotherParallelism()
    {
        static WindowHarness<Click> Counting(HarnessSetup setup) =>
            new(clicks => clicks.Window(GlobalWindows.Create()).Trigger(CountTrigger.Of(3)).Reduce((x, y) => x with { Value = x.Value + y.Value }), setup);

        var before = Counting(new HarnessSetup());
        foreach (var user in Users) { before.Add(user, long.MinValue, 1); before.Add(user, long.MinValue, 2); }
        Assert.Empty(before.Output);
        var snapshot = before.Operator.Snapshot();

        var after = Enumerable.Range(0, 2).Select(i => Counting(new HarnessSetup(i, 2, MaxParallelism, [snapshot]))).ToArray();
        foreach (var user in Users)
        {
            after.Single(s => s.Operator.KeyGroups.Contains(KeyGroupAssignment.KeyGroupFor(user, MaxParallelism))).Add(user, long.MinValue, 4);
        }
        Assert.Equal(Users.Select(u => new Click(u, 7)).OrderBy(c => c.User), after.SelectMany(s => s.Output).Select(o => o.Value).OrderBy(c => c.User));
    }

    [Fact]
    public void WindowsRestoredFromASnapshotWhoseWindowTypeChangedAreRefusedNamingTheOperatorAndTheFix()
    {
        var sessions = Sessions(new HarnessSetup());
        sessions.Add("a", 0);
        var snapshot = sessions.Operator.Snapshot();

        var error = Assert.Throws<GrainFlow.Errors.NonRecoverableJobException>(() => new WindowHarness<Click>(
            clicks => clicks.Window(GlobalWindows.Create()).Trigger(CountTrigger.Of(2)).Reduce((x, y) => x), new HarnessSetup(RestoreFrom: [snapshot])));
        Assert.Contains("The window 'Window(Reduce)'", error.Message);
        Assert.Contains("GlobalWindow", error.Message);
        Assert.Contains("give the changed window a new uid", error.Message);
    }
}
