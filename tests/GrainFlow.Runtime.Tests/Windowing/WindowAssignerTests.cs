using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Tests.Windowing;

[Trait("Category", "Unit")]
public sealed class WindowAssignerTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
    private static readonly FixedClock NoClock = new(0);

    private sealed record FixedClock(long CurrentProcessingTime) : IWindowAssignerContext;

    [Theory]
    [InlineData(0, 0, 5000, 0)]
    [InlineData(4999, 0, 5000, 0)]
    [InlineData(5000, 0, 5000, 5000)]
    [InlineData(-1, 0, 5000, -5000)]
    [InlineData(-5000, 0, 5000, -5000)]
    [InlineData(-5001, 0, 5000, -10000)]
    [InlineData(999, 1000, 5000, -4000)]
    [InlineData(1000, 1000, 5000, 1000)]
    [InlineData(0, -1000, 5000, -1000)]
    [InlineData(-1001, -1000, 5000, -6000)]
    public void WindowStartIsAlignedToTheOffsetEpochForNegativeTimestampsToo(long timestamp, long offset, long size, long expectedStart) =>
        Assert.Equal(expectedStart, TimeWindow.GetWindowStartWithOffset(timestamp, offset, size));

    [Fact]
    public void TimeWindowMaxTimestampIsEndMinusOneAndTouchingWindowsIntersect()
    {
        var window = new TimeWindow(0, 10);
        Assert.Equal(9, window.MaxTimestamp);
        Assert.True(window.Intersects(new TimeWindow(10, 20)));
        Assert.True(window.Intersects(new TimeWindow(-5, 0)));
        Assert.False(window.Intersects(new TimeWindow(11, 20)));
        Assert.Equal(new TimeWindow(-5, 20), window.Cover(new TimeWindow(-5, 0)).Cover(new TimeWindow(10, 20)));
    }

    [Fact]
    public void TumblingEventTimeWindowsPutAnElementIntoTheOneWindowContainingItsTimestamp()
    {
        var assigner = TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));
        Assert.Equal([new TimeWindow(1000, 6000)], assigner.AssignWindows("e", 5999, NoClock));
        Assert.Equal([new TimeWindow(-4000, 1000)], assigner.AssignWindows("e", -1, NoClock));
        Assert.True(assigner.IsEventTime);
        Assert.IsType<EventTimeTrigger>(assigner.GetDefaultTrigger());
    }

    [Fact]
    public void SlidingEventTimeWindowsPutAnElementIntoSizeOverSlideWindowsLatestFirst()
    {
        var assigner = SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2));
        var windows = assigner.AssignWindows(1, 7_500, NoClock);
        Assert.Equal([new(6000, 16000), new(4000, 14000), new(2000, 12000), new(0, 10000), new(-2000, 8000)], windows);
        Assert.All(windows, w => Assert.True(w.Start <= 7_500 && 7_500 < w.End));

        var negative = SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(-500)).AssignWindows(1, -1, NoClock);
        Assert.Equal([new(-500, 2500), new(-1500, 1500), new(-2500, 500)], negative);
    }

    [Fact]
    public void ElementsOfOneWindowGetTheSameAssignmentAndEveryTimeItsOwnWindowsInAnyOrder()
    {
        var tumbling = TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5));
        var first = tumbling.AssignWindows("e", 1_000, NoClock);
        Assert.Same(first, tumbling.AssignWindows("e", 4_999, NoClock));
        Assert.Equal([new TimeWindow(5000, 10000)], tumbling.AssignWindows("e", 5_000, NoClock));
        Assert.Equal([new TimeWindow(0, 5000)], tumbling.AssignWindows("e", 0, NoClock));

        // A size that is no multiple of the slide: times of one slide are in different numbers of windows.
        var sliding = SlidingEventTimeWindows.Of(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(1));
        foreach (var time in Enumerable.Range(-20, 60).Concat(Enumerable.Range(-20, 60).Reverse()).Select(t => (long)t))
        {
            var expected = Enumerable.Range(-40, 100).Select(i => 1L + 3 * i).Where(s => s <= time && time < s + 10).OrderDescending().Select(s => new TimeWindow(s, s + 10));
            Assert.Equal(expected, sliding.AssignWindows("e", time, NoClock));
        }
        var even = SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2));
        Assert.Same(even.AssignWindows("e", 6_000, NoClock), even.AssignWindows("e", 7_999, NoClock));
    }

    [Fact]
    public void ProcessingTimeAssignersUseTheCurrentProcessingTimeNotTheElementTimestamp()
    {
        var clock = new FixedClock(12_345);
        Assert.Equal([new TimeWindow(10_000, 15_000)], TumblingProcessingTimeWindows.Of(TimeSpan.FromSeconds(5)).AssignWindows("e", long.MinValue, clock));
        Assert.Equal(2, SlidingProcessingTimeWindows.Of(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)).AssignWindows("e", long.MinValue, clock).Count);
        Assert.Equal([new TimeWindow(12_345, 13_345)], ProcessingTimeSessionWindows.WithGap(TimeSpan.FromSeconds(1)).AssignWindows("e", long.MinValue, clock));
        Assert.Equal([new TimeWindow(12_345, 12_352)], ProcessingTimeSessionWindows.WithDynamicGap((string s) => TimeSpan.FromMilliseconds(s.Length)).AssignWindows("1234567", 0, clock));
        Assert.False(TumblingProcessingTimeWindows.Of(TimeSpan.FromSeconds(5)).IsEventTime);
        Assert.IsType<ProcessingTimeTrigger>(ProcessingTimeSessionWindows.WithGap(TimeSpan.FromSeconds(1)).GetDefaultTrigger());
    }

    [Fact]
    public void SessionWindowsOpenTimestampPlusGapAndTheDynamicGapComesFromTheElement()
    {
        Assert.Equal([new TimeWindow(-100, 900)], EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(1)).AssignWindows("e", -100, NoClock));
        var dynamic = EventTimeSessionWindows.WithDynamicGap((Click c) => c.Gap);
        Assert.Equal([new TimeWindow(50, 80)], dynamic.AssignWindows(new Click(TimeSpan.FromMilliseconds(30)), 50, NoClock));
    }

    private sealed record Click(TimeSpan Gap);

    [Fact]
    public void ADynamicGapExtractorReturningZeroOrLessFailsNamingTheAssignerAndTheFix()
    {
        var dynamic = EventTimeSessionWindows.WithDynamicGap((Click c) => c.Gap);
        var error = Assert.Throws<InvalidOperationException>(() => dynamic.AssignWindows(new Click(TimeSpan.Zero), 50, NoClock));
        Assert.Contains("DynamicEventTimeSessionWindows", error.Message);
        Assert.Contains("returns a positive gap", error.Message);
        Assert.Throws<InvalidOperationException>(() => dynamic.AssignWindows(new Click(TimeSpan.FromSeconds(-3)), 50, NoClock));
    }

    [Fact]
    public void ADynamicGapExtractorOfAnotherElementTypeIsRefusedWhenTheJobIsBuilt()
    {
        var error = Assert.Throws<ArgumentException>(() => EventTimeSessionWindows.WithDynamicGap((Click c) => c.Gap).CheckElementType(typeof(string)));
        Assert.Contains("Click", error.Message);
        EventTimeSessionWindows.WithDynamicGap((object o) => TimeSpan.FromSeconds(1)).CheckElementType(typeof(string));
    }

    [Fact]
    public void EventTimeAssignersRefuseARecordWithoutTimestampSayingHowToGiveItOne()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)).AssignWindows("e", long.MinValue, NoClock));
        Assert.Contains("AssignTimestampsAndWatermarks", error.Message);
        Assert.Throws<InvalidOperationException>(() => EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(1)).AssignWindows("e", long.MinValue, NoClock));
    }

    public static TheoryData<string, Action> BadParameters => new()
    {
        { "size", () => TumblingEventTimeWindows.Of(TimeSpan.Zero) },
        { "size", () => TumblingProcessingTimeWindows.Of(TimeSpan.FromSeconds(-1)) },
        { "size", () => TumblingEventTimeWindows.Of(TimeSpan.MaxValue) },
        { "size", () => TumblingEventTimeWindows.Of(TimeSpan.FromTicks(5)) },
        { "offset", () => TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)) },
        { "offset", () => TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(-6)) },
        { "slide", () => SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6)) },
        { "slide", () => SlidingProcessingTimeWindows.Of(TimeSpan.FromSeconds(5), TimeSpan.Zero) },
        { "offset", () => SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)) },
        { "gap", () => EventTimeSessionWindows.WithGap(TimeSpan.Zero) },
        { "gap", () => ProcessingTimeSessionWindows.WithGap(TimeSpan.FromMinutes(-10)) },
        { "gap", () => EventTimeSessionWindows.WithGap(TimeSpan.FromDays(100_000)) },
    };

    [Theory]
    [MemberData(nameof(BadParameters))]
    public void BadSizesSlidesOffsetsAndGapsAreRefusedNamingTheParameterAndTheFix(string parameter, Action create)
    {
        var error = Assert.Throws<ArgumentException>(create);
        Assert.Equal(parameter, error.ParamName);
        Assert.Contains($"the {parameter}", error.Message);
        Assert.Contains("Windows: ", error.Message);
    }

    [Fact]
    public void SlideEqualToSizeIsATumblingWindowAndAMillisecondIsTheSmallestSize()
    {
        Assert.Single(SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)).AssignWindows("e", 3, NoClock));
        Assert.Equal([new TimeWindow(7, 8)], TumblingEventTimeWindows.Of(Ms).AssignWindows("e", 7, NoClock));
    }

    [Fact]
    public void GlobalWindowsPutEverythingIntoTheOneGlobalWindowWhoseTriggerNeverFires()
    {
        var assigner = GlobalWindows.Create();
        Assert.Same(GlobalWindow.Instance, Assert.Single(assigner.AssignWindows("e", long.MinValue, NoClock)));
        Assert.Equal(long.MaxValue, GlobalWindow.Instance.MaxTimestamp);
        var trigger = assigner.GetDefaultTrigger();
        var context = new RecordingTriggerContext();
        Assert.Equal(TriggerResult.Continue, trigger.OnElement("e", 0, GlobalWindow.Instance, context));
        Assert.Equal(TriggerResult.Continue, trigger.OnEventTime(long.MaxValue, GlobalWindow.Instance, context));
        Assert.Empty(context.EventTimers);
    }
}
