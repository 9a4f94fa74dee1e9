using GrainFlow.Runtime.Sinks;
using GrainFlow.Errors;
using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.Operators.Windowing;
using GrainFlow.Runtime.Sources;
using GrainFlow.Runtime.Tests.Harness;

namespace GrainFlow.Runtime.Tests.Windowing;

/// <summary>
/// The window operator as a job builds it (KeyBy → Window → function), driven through the keyed-operator
/// harness with manual watermarks and processing time: what fires when, with which timestamp, and what
/// state is left.
/// </summary>
[Trait("Category", "Unit")]
public sealed class WindowOperatorTests
{
    private static readonly TimeSpan Ten = TimeSpan.FromMilliseconds(10);

    private static KeyedStream<Click, string> Clicks() =>
        new StreamExecutionEnvironment(GrainFlowConfiguration.Empty).FromSource(new GeneratorSource<Click>(0, i => new Click("u")), "clicks").KeyBy(c => c.User);

    private static WindowHarness<string> Counting(Func<KeyedStream<Click, string>, WindowedStream<Click, string, TimeWindow>> window) =>
        new(clicks => window(clicks).Aggregate(new ClickCount(), new DescribeWindow()));

    [Fact]
    public void TumblingWindowStateIsBucketedByWindowAndSessionStateStaysInOneDictionaryPerKeyGroup()
    {
        var tumbling = Counting(c => c.Window(TumblingEventTimeWindows.Of(Ten)));
        var sessions = Counting(c => c.Window(EventTimeSessionWindows.WithGap(Ten)));
        foreach (var harness in new[] { tumbling, sessions })
        {
            // Four windows (or sessions) of 2 000 users, ~16 users per key group.
            for (var window = 0; window < 4; window++)
            {
                for (var user = 0; user < 2_000; user++) harness.Add($"u{user}", window * 100);
            }
        }

        Assert.InRange(tumbling.MaxBucketsInUse(WindowStateNames.Contents), 2, 4);
        Assert.Equal(1, sessions.MaxBucketsInUse(WindowStateNames.Contents));
        Assert.Equal(4 * 2_000, sessions.Entries(WindowStateNames.Contents));
    }

    [Fact]
    public void TumblingWindowsFireOncePerKeyWhenTheWatermarkReachesTheirMaxTimestampWithThatTimestamp()
    {
        var harness = Counting(c => c.Window(TumblingEventTimeWindows.Of(Ten)));
        harness.Add("a", 0);
        harness.Add("b", 3);
        harness.Add("a", 9, value: 5);
        harness.Add("a", 10);

        harness.Watermark(8);
        Assert.Empty(harness.Output);
        harness.Watermark(9);
        Assert.Equal(
            [new("a [0, 10) count=2 sum=6", 9), new("b [0, 10) count=1 sum=1", 9)],
            harness.Output.OrderBy(o => o.Value));
        harness.Watermark(19);
        Assert.Equal(new TimestampedValue<string>("a [10, 20) count=1 sum=1", 19), harness.Output[^1]);
        Assert.Equal(3, harness.Output.Count);
        Assert.Equal(0, harness.Entries(WindowStateNames.Contents));
    }

    [Fact]
    public void ReduceEmitsTheReducedElementOfEachWindow()
    {
        var harness = new WindowHarness<Click>(c => c.Window(TumblingEventTimeWindows.Of(Ten)).Reduce((x, y) => x with { Value = x.Value + y.Value }));
        harness.Add("a", 1, 2);
        harness.Add("a", 2, 3);
        harness.Watermark(long.MaxValue);
        Assert.Equal([new TimestampedValue<Click>(new Click("a", 5), 9)], harness.Output);
    }

    [Fact]
    public void SlidingWindowsCountAnElementInEveryWindowContainingIt()
    {
        var harness = Counting(c => c.Window(SlidingEventTimeWindows.Of(Ten, TimeSpan.FromMilliseconds(5))));
        harness.Add("a", 7);
        harness.Add("a", 12);
        harness.Watermark(100);
        Assert.Equal(
            ["a [0, 10) count=1 sum=1", "a [5, 15) count=2 sum=2", "a [10, 20) count=1 sum=1"],
            harness.Output.Select(o => o.Value));
        Assert.Equal([9L, 14L, 19L], harness.Output.Select(o => o.Timestamp!.Value));
    }

    [Fact]
    public void SessionWindowsMergeWindowsThatTouchAndCloseAfterTheGap()
    {
        var harness = Counting(c => c.Window(EventTimeSessionWindows.WithGap(Ten)));
        harness.Add("a", 0);
        harness.Add("a", 10);
        harness.Add("a", 30);
        harness.Add("b", 5);
        harness.Watermark(19);
        Assert.Equal(["b [5, 15) count=1 sum=1", "a [0, 20) count=2 sum=2"], harness.Output.Select(o => o.Value));
        harness.Watermark(100);
        Assert.Equal(["b [5, 15) count=1 sum=1", "a [0, 20) count=2 sum=2", "a [30, 40) count=1 sum=1"], harness.Output.Select(o => o.Value));
        Assert.Equal(0, harness.Entries(WindowStateNames.Contents));
        Assert.Equal(0, harness.Entries(WindowStateNames.MergingWindowSet));
    }

    [Fact]
    public void ALateElementBridgingTwoSessionsMergesTheirContentsIntoOneSession()
    {
        var harness = new WindowHarness<string>(c => c.Window(EventTimeSessionWindows.WithGap(Ten)).Process(new ListWindow()));
        harness.Add("a", 0, 1);
        harness.Add("a", 20, 2);
        Assert.Equal(2, harness.Entries(WindowStateNames.Contents));
        harness.Add("a", 10, 3);
        Assert.Equal(1, harness.Entries(WindowStateNames.Contents));
        harness.Watermark(28);
        Assert.Empty(harness.Output);
        harness.Watermark(29);
        Assert.Equal([new TimestampedValue<string>("a [0, 30) 1,2,3", 29)], harness.Output);
    }

    [Fact]
    public void DynamicGapSessionsTakeEachElementsGap()
    {
        var harness = Counting(c => c.Window(EventTimeSessionWindows.WithDynamicGap((Click click) => TimeSpan.FromMilliseconds(click.Value))));
        harness.Add("a", 0, 20);
        harness.Add("a", 20, 1);
        harness.Add("a", 30, 1);
        harness.Watermark(100);
        Assert.Equal(["a [0, 21) count=2 sum=21", "a [30, 31) count=1 sum=1"], harness.Output.Select(o => o.Value));
    }

    [Fact]
    public void ElementsWithinTheAllowedLatenessFireTheWindowAgainAndLaterOnesAreDroppedAndCounted()
    {
        var harness = Counting(c => c.Window(TumblingEventTimeWindows.Of(Ten)).AllowedLateness(TimeSpan.FromMilliseconds(5)));
        harness.Add("a", 1);
        harness.Watermark(9);
        Assert.Equal(["a [0, 10) count=1 sum=1"], harness.Output.Select(o => o.Value));

        harness.Add("a", 3);
        Assert.Equal(new TimestampedValue<string>("a [0, 10) count=2 sum=2", 9), harness.Output[^1]);
        Assert.Equal(1, harness.Entries(WindowStateNames.Contents));

        harness.Watermark(14);
        Assert.Equal(0, harness.Entries(WindowStateNames.Contents));
        harness.Add("a", 4);
        Assert.Equal(2, harness.Output.Count);
        Assert.Equal(1, harness.NumLateRecordsDropped);
    }

    [Fact]
    public void ElementsBeyondTheAllowedLatenessGoToTheLateSideOutputWhenOneIsSet()
    {
        var harness = Counting(c => c.Window(TumblingEventTimeWindows.Of(Ten)).SideOutputLateData(new OutputTag<Click>("late")));
        harness.Add("a", 1);
        harness.Watermark(9);
        harness.Add("a", 5, 7);
        Assert.Equal([new Click("a", 7)], harness.LateData);
        Assert.Equal(0, harness.NumLateRecordsDropped);
        Assert.Single(harness.Output);
    }

    [Fact]
    public void AJobWhoseWindowSendsLateDataToASideOutputNothingReadsIsRefusedNamingTheWindowAndTheTag()
    {
        var env = new StreamExecutionEnvironment(GrainFlowConfiguration.Empty);
        env.FromSource(new GeneratorSource<Click>(0, i => new Click($"u{i}")), "clicks").Uid("clicks").KeyBy(c => c.User)
            .Window(TumblingEventTimeWindows.Of(Ten)).SideOutputLateData(new OutputTag<Click>("late-clicks")).Reduce((a, b) => a, "Totals").Uid("totals")
            .SinkTo(new DiscardingSink<Click>()).Uid("sink");

        var error = Assert.Throws<JobConfigurationException>(() => JobGraph.Build(env));

        Assert.Contains("'Totals' (totals)", error.Message);
        Assert.Contains("'late-clicks'", error.Message);
        Assert.Contains("GetSideOutput", error.Message);
    }

    [Fact]
    public void CountTriggerOnGlobalWindowsFiresEveryNElementsOfAKeyAndPurgingStartsTheCountAgain()
    {
        var harness = new WindowHarness<Click>(c => c.Window(GlobalWindows.Create()).Trigger(PurgingTrigger.Of(CountTrigger.Of(3)))
            .Reduce((x, y) => x with { Value = x.Value + y.Value }));
        for (var i = 1; i <= 7; i++) harness.Add(i % 2 == 0 ? "b" : "a", long.MinValue, i);
        Assert.Equal([new Click("a", 1 + 3 + 5), new Click("b", 2 + 4 + 6)], harness.Output.Select(o => o.Value));
        Assert.All(harness.Output, o => Assert.Equal(long.MaxValue, o.Timestamp));
    }

    [Fact]
    public void ProcessingTimeWindowsFireWhenTheClockPassesTheirEnd()
    {
        var harness = Counting(c => c.Window(TumblingProcessingTimeWindows.Of(Ten)));
        harness.Operator.SetProcessingTime(3);
        harness.Add("a", long.MinValue);
        harness.Operator.SetProcessingTime(8);
        harness.Add("a", long.MinValue);
        Assert.Empty(harness.Output);
        harness.Operator.SetProcessingTime(9);
        Assert.Equal([new TimestampedValue<string>("a [0, 10) count=2 sum=2", 9)], harness.Output);
        Assert.Equal(0, harness.Entries(WindowStateNames.Contents));
    }

    [Fact]
    public void ACustomTriggerFiresEarlyForALargeElementAndStillOnTime()
    {
        var harness = Counting(c => c.Window(TumblingEventTimeWindows.Of(Ten)).Trigger(new EarlyOnLargeValue(100)));
        harness.Add("a", 1);
        harness.Add("a", 2, 500);
        Assert.Equal(["a [0, 10) count=2 sum=501"], harness.Output.Select(o => o.Value));
        harness.Add("a", 3);
        harness.Watermark(9);
        Assert.Equal(["a [0, 10) count=2 sum=501", "a [0, 10) count=3 sum=502"], harness.Output.Select(o => o.Value));
    }

    /// <summary>Fires at once for an element worth more than a threshold; otherwise as the event-time trigger.</summary>
    private sealed class EarlyOnLargeValue(long threshold) : Trigger<TimeWindow>
    {
        public override TriggerResult OnElement<T>(T element, long timestamp, TimeWindow window, ITriggerContext context)
        {
            context.RegisterEventTimeTimer(window.MaxTimestamp);
            return element is Click { Value: var value } && value > threshold ? TriggerResult.Fire : TriggerResult.Continue;
        }

        public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context) =>
            time == window.MaxTimestamp ? TriggerResult.Fire : TriggerResult.Continue;

        public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

        public override void Clear(TimeWindow window, ITriggerContext context) => context.DeleteEventTimeTimer(window.MaxTimestamp);
    }

    [Fact]
    public void AWindowWhoseTriggerDeletedItsTimerOnAnElementIsStillCleanedUpAtItsEnd()
    {
        // The trigger's timer and the cleanup timer are one timer (same key, window and time): the
        // operator registers the cleanup timer again after every element, as Flink does.
        var harness = Counting(c => c.Window(TumblingEventTimeWindows.Of(Ten)).Trigger(new OnceEarlyOnLargeValue(100)));
        harness.Add("a", 1);
        harness.Add("a", 2, 500);
        Assert.Equal(["a [0, 10) count=2 sum=501"], harness.Output.Select(o => o.Value));
        Assert.Equal(1, harness.Entries(WindowStateNames.Contents));

        harness.Watermark(9);
        Assert.Equal(0, harness.Entries(WindowStateNames.Contents));
        Assert.Single(harness.Output);
    }

    /// <summary>Fires once, early, for an element worth more than a threshold, and then no longer on time.</summary>
    private sealed class OnceEarlyOnLargeValue(long threshold) : Trigger<TimeWindow>
    {
        public override TriggerResult OnElement<T>(T element, long timestamp, TimeWindow window, ITriggerContext context)
        {
            if (element is not Click { Value: var value } || value <= threshold)
            {
                context.RegisterEventTimeTimer(window.MaxTimestamp);
                return TriggerResult.Continue;
            }
            context.DeleteEventTimeTimer(window.MaxTimestamp);
            return TriggerResult.Fire;
        }

        public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

        public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

        public override void Clear(TimeWindow window, ITriggerContext context) => context.DeleteEventTimeTimer(window.MaxTimestamp);
    }

    [Fact]
    public void ABadWindowDeclarationIsRefusedWhenTheJobIsBuilt()
    {
        var clicks = Clicks();
        Assert.Contains("cannot be used with a trigger that does not support merging",
            Assert.Throws<ArgumentException>(() => clicks.Window(EventTimeSessionWindows.WithGap(Ten)).Trigger(new EarlyOnLargeValue(1))).Message);
        Assert.Throws<ArgumentException>(() => clicks.Window(TumblingEventTimeWindows.Of(Ten)).AllowedLateness(TimeSpan.FromSeconds(-1)));
        Assert.Contains("event-time windows only",
            Assert.Throws<ArgumentException>(() => clicks.Window(TumblingProcessingTimeWindows.Of(Ten)).AllowedLateness(TimeSpan.FromSeconds(1))).Message);
        Assert.Contains("String", Assert.Throws<ArgumentException>(() => clicks.Window(EventTimeSessionWindows.WithDynamicGap((string s) => Ten))).Message);
    }
}
