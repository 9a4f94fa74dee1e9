using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Tests.State;
using GrainFlow.Savepoints;

namespace GrainFlow.Runtime.Tests.Harness;

/// <summary>
/// Event-time and processing-time timers of a KeyedProcessFunction through the harness: fired in time
/// order as the watermark passes, with the timer's time as the output's timestamp (none for processing
/// time), the record's timestamp in the context, and fired exactly once across a snapshot restored at
/// another parallelism.
/// </summary>
[Trait("Category", "Unit")]
public sealed class KeyedProcessFunctionTimerTests
{
    internal const long Gap = 10;

    /// <summary>Per user, a count of events; an event-time timer <see cref="Gap"/> after each event (a session closes when it fires without a newer one).</summary>
    internal sealed class SessionCounter : KeyedProcessFunction<string, (string User, long Time), string>
    {
        private IValueState<long> _count = null!;
        private IValueState<long> _lastTimer = null!;

        public override void Open(IKeyedRuntimeContext context)
        {
            _count = context.GetState(new ValueStateDescriptor<long>("count"));
            _lastTimer = context.GetState(new ValueStateDescriptor<long>("last-timer"));
        }

        public override void ProcessElement((string User, long Time) value, Context context, ICollector<string> output)
        {
            _count.Update(_count.Value + 1);
            // The newest event moves the session's end: the timer of the previous one is deleted.
            if (_lastTimer.HasValue) context.TimerService.DeleteEventTimeTimer(_lastTimer.Value);
            var end = context.Timestamp!.Value + Gap;
            context.TimerService.RegisterEventTimeTimer(end);
            _lastTimer.Update(end);
            if (value.User == "audit") context.TimerService.RegisterProcessingTimeTimer(context.TimerService.CurrentProcessingTime + 1_000);
        }

        public override void OnTimer(long timestampMs, OnTimerContext context, ICollector<string> output)
        {
            output.Collect($"{context.CurrentKey}: {_count.Value} events, {context.TimeDomain} timer at {timestampMs}, timestamp {context.Timestamp}, watermark {context.TimerService.CurrentWatermark}");
            if (context.TimeDomain == TimeDomain.EventTime)
            {
                _count.Clear();
                _lastTimer.Clear();
            }
        }
    }

    private static KeyedOperatorHarness<string, (string User, long Time), string> Harness(HarnessSetup? setup = null) =>
        KeyedOperatorHarness.ForProcessFunction<string, (string User, long Time), string>(e => e.User, new SessionCounter(), setup);

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void EventTimeTimersFireInTimestampOrderWhenTheWatermarkPassesThemAndTheirOutputCarriesTheTimersTime(string type)
    {
        var harness = Harness(new HarnessSetup(Backend: type));
        harness.ProcessElement(("bob", 100), 100);
        harness.ProcessElement(("ann", 95), 95);
        harness.ProcessElement(("bob", 103), 103); // bob's timer moves from 110 to 113
        harness.ProcessElement(("cid", 90), 90);

        harness.ProcessWatermark(104);
        Assert.Equal([new TimestampedValue<string>("cid: 1 events, EventTime timer at 100, timestamp 100, watermark 104", 100)], harness.Output);
        harness.ClearOutput();

        harness.ProcessWatermark(200);
        Assert.Equal(
            [
                new TimestampedValue<string>("ann: 1 events, EventTime timer at 105, timestamp 105, watermark 200", 105),
                new("bob: 2 events, EventTime timer at 113, timestamp 113, watermark 200", 113),
            ],
            harness.Output);
        harness.ProcessWatermark(300);
        Assert.Equal(2, harness.Output.Count);
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void AProcessingTimeTimersOutputCarriesNoTimestampAndALateEventTimeTimerFiresAtTheNextWatermark(string type)
    {
        var harness = Harness(new HarnessSetup(Backend: type));
        harness.SetProcessingTime(5_000);
        harness.ProcessWatermark(1_000);
        harness.ProcessElement(("audit", 500), 500); // its timer (510) is already behind the watermark
        Assert.Empty(harness.Output);

        harness.SetProcessingTime(5_999);
        Assert.Empty(harness.Output);
        harness.SetProcessingTime(6_000);
        Assert.Equal([new TimestampedValue<string>("audit: 1 events, ProcessingTime timer at 6000, timestamp 6000, watermark 1000", null)], harness.Output);

        harness.ProcessWatermark(1_001);
        Assert.Equal(new TimestampedValue<string>("audit: 1 events, EventTime timer at 510, timestamp 510, watermark 1001", 510), harness.Output[1]);
    }

    [Fact]
    public void ARecordWithoutATimestampHasANullTimestampInTheContext()
    {
        var seen = new List<long?>();
        var harness = KeyedOperatorHarness.ForProcessFunction<long, long, long>(v => v, new TimestampProbe(seen));
        harness.ProcessElement(1, 42);
        harness.ProcessElement(2);
        Assert.Equal([42L, null], seen);
        Assert.Equal([new TimestampedValue<long>(1, 42), new(2, null)], harness.Output); // the output keeps the record's timestamp
    }

    private sealed class TimestampProbe(List<long?> seen) : KeyedProcessFunction<long, long, long>
    {
        public override void ProcessElement(long value, Context context, ICollector<long> output)
        {
            seen.Add(context.Timestamp);
            output.Collect(value);
        }
    }

    public static IEnumerable<object[]> RescalingCases =>
        StateBackendsUnderTest.With([SavepointFormatType.Native, 1, 3], [SavepointFormatType.Canonical, 2, 3], [SavepointFormatType.Native, 3, 1]);

    [Theory]
    [MemberData(nameof(RescalingCases))]
    public void EventTimeTimersFireExactlyOnceAcrossASnapshotRestoredAtAnotherParallelism(string type, SavepointFormatType format, int from, int to)
    {
        var users = Enumerable.Range(0, 60).Select(i => $"user-{i}").ToList();
        var before = Enumerable.Range(0, from).Select(i => Harness(new HarnessSetup(i, from, Format: format, Backend: type))).ToList();
        foreach (var (user, index) in users.Select((u, i) => (u, i)))
        {
            var owner = before.Single(h => h.KeyGroups.Contains(KeyGroupAssignment.KeyGroupFor(user, 128)));
            owner.ProcessElement((user, index * 10), index * 10);
            owner.ProcessElement((user, index * 10 + 1), index * 10 + 1);
        }
        // Sessions closed before the snapshot are not in it.
        foreach (var harness in before) harness.ProcessWatermark(300);
        var closedBefore = before.SelectMany(h => h.OutputValues).ToList();
        Assert.Equal(29, closedBefore.Count); // ends 11, 21, …, 291
        var snapshots = before.Select(h => h.Snapshot()).ToList();
        foreach (var harness in before) harness.ProcessWatermark(long.MaxValue); // after the snapshot: not in it

        var after = Enumerable.Range(0, to).Select(i => Harness(new HarnessSetup(i, to, RestoreFrom: snapshots, Backend: type))).ToList();
        foreach (var harness in after) harness.ProcessWatermark(long.MaxValue);
        var closedAfter = after.SelectMany(h => h.Output).ToList();

        Assert.Equal(users.Count - closedBefore.Count, closedAfter.Count);
        Assert.Equal(
            users.Select((u, i) => $"{u}: 2 events, EventTime timer at {i * 10 + 1 + Gap}").Order(),
            closedBefore.Concat(closedAfter.Select(o => o.Value)).Select(o => o[..o.IndexOf(", timestamp", StringComparison.Ordinal)]).Order());
        Assert.All(closedAfter, o => Assert.EndsWith($"timestamp {o.Timestamp}, watermark {long.MaxValue}", o.Value));
        foreach (var harness in after)
        {
            var times = harness.Output.Select(o => o.Timestamp!.Value).ToList();
            Assert.Equal(times.Order(), times);
        }
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void TimersOfAProcessFunctionAreKeptInTheTimerStateNames(string type)
    {
        var harness = Harness(new HarnessSetup(Backend: type));
        harness.ProcessElement(("audit", 1), 1);
        Assert.Equal(1, harness.StateTables.Single(t => t.Name == "_timers").Count);
        Assert.Equal(1, harness.StateTables.Single(t => t.Name == "_event_timers").Count);
    }
}
