using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Tests.Windowing;

[Trait("Category", "Unit")]
public sealed class TriggerTests
{
    private static readonly TimeWindow Window = new(0, 10);

    [Fact]
    public void EventTimeTriggerRegistersATimerAtMaxTimestampAndFiresOnlyForIt()
    {
        var trigger = EventTimeTrigger.Create();
        var context = new RecordingTriggerContext { CurrentWatermark = 5 };
        Assert.Equal(TriggerResult.Continue, trigger.OnElement("e", 3, Window, context));
        Assert.Equal([9L], context.EventTimers);
        Assert.Equal(TriggerResult.Continue, trigger.OnEventTime(8, Window, context));
        Assert.Equal(TriggerResult.Fire, trigger.OnEventTime(9, Window, context));
        Assert.Equal(TriggerResult.Continue, trigger.OnProcessingTime(9, Window, context));
        trigger.Clear(Window, context);
        Assert.Empty(context.EventTimers);
    }

    [Fact]
    public void EventTimeTriggerFiresAtOnceForAWindowTheWatermarkHasPassed()
    {
        var context = new RecordingTriggerContext { CurrentWatermark = 9 };
        Assert.Equal(TriggerResult.Fire, EventTimeTrigger.Create().OnElement("late", 2, Window, context));
        Assert.Empty(context.EventTimers);
    }

    [Fact]
    public void EventTimeTriggerOnMergeRegistersTheMergedWindowsTimerOnlyWhileItCanStillFire()
    {
        var trigger = EventTimeTrigger.Create();
        var context = new RecordingTriggerContext { CurrentWatermark = 8 };
        Assert.True(trigger.CanMerge);
        trigger.OnMerge(Window, context);
        Assert.Equal([9L], context.EventTimers);
        context.EventTimers.Clear();
        context.CurrentWatermark = 9;
        trigger.OnMerge(Window, context);
        Assert.Empty(context.EventTimers);
    }

    [Fact]
    public void ProcessingTimeTriggerFiresOnItsProcessingTimeTimer()
    {
        var trigger = ProcessingTimeTrigger.Create();
        var context = new RecordingTriggerContext { CurrentProcessingTime = 3 };
        Assert.Equal(TriggerResult.Continue, trigger.OnElement("e", long.MinValue, Window, context));
        Assert.Equal([9L], context.ProcessingTimers);
        Assert.Equal(TriggerResult.Fire, trigger.OnProcessingTime(9, Window, context));
        Assert.Equal(TriggerResult.Continue, trigger.OnEventTime(9, Window, context));
        context.CurrentProcessingTime = 9;
        context.ProcessingTimers.Clear();
        trigger.OnMerge(Window, context);
        Assert.Empty(context.ProcessingTimers);
        trigger.Clear(Window, context);
    }

    [Fact]
    public void CountTriggerFiresEveryNthElementOfAWindowAndCountsPerWindow()
    {
        var trigger = CountTrigger.Of(3);
        var context = new RecordingTriggerContext { Window = Window };
        var other = new TimeWindow(10, 20);
        var results = new List<TriggerResult>();
        for (var i = 0; i < 7; i++)
        {
            results.Add(trigger.OnElement(i, i, Window, context));
            if (i == 0)
            {
                context.Window = other;
                Assert.Equal(TriggerResult.Continue, trigger.OnElement(i, i, other, context));
                context.Window = Window;
            }
        }
        Assert.Equal([TriggerResult.Continue, TriggerResult.Continue, TriggerResult.Fire, TriggerResult.Continue, TriggerResult.Continue, TriggerResult.Fire, TriggerResult.Continue], results);
        Assert.Equal(1, context.GetPartitionedState(CountTrigger.CountState).Value);
        trigger.Clear(Window, context);
        Assert.False(context.GetPartitionedState(CountTrigger.CountState).HasValue);
    }

    [Fact]
    public void CountTriggerAddsTheCountsOfMergedWindows()
    {
        var trigger = CountTrigger.Of(4);
        var first = new TimeWindow(0, 5);
        var second = new TimeWindow(5, 10);
        var context = new RecordingTriggerContext { Window = first };
        trigger.OnElement(1, 1, first, context);
        trigger.OnElement(2, 2, first, context);
        context.Window = second;
        trigger.OnElement(6, 6, second, context);

        context.Window = Window;
        context.MergedWindows.AddRange([first, second]);
        trigger.OnMerge(Window, context);
        Assert.Equal(3, context.GetPartitionedState(CountTrigger.CountState).Value);
        Assert.Equal(TriggerResult.Fire, trigger.OnElement(7, 7, Window, context));
    }

    [Fact]
    public void CountTriggerRefusesACountBelowOne() =>
        Assert.Contains("at least 1", Assert.Throws<ArgumentOutOfRangeException>(() => CountTrigger.Of(0)).Message);

    [Fact]
    public void PurgingTriggerTurnsEveryFiringIntoFireAndPurgeAndDelegatesTheRest()
    {
        var trigger = PurgingTrigger.Of(CountTrigger.Of(2));
        var context = new RecordingTriggerContext();
        Assert.Equal(TriggerResult.Continue, trigger.OnElement(1, 1, GlobalWindow.Instance, context));
        Assert.Equal(TriggerResult.FireAndPurge, trigger.OnElement(2, 2, GlobalWindow.Instance, context));
        Assert.True(trigger.CanMerge);

        var onTime = PurgingTrigger.Of<TimeWindow>(EventTimeTrigger.Create());
        Assert.Equal(TriggerResult.FireAndPurge, onTime.OnEventTime(9, Window, context));
        Assert.Equal(TriggerResult.Continue, onTime.OnEventTime(8, Window, context));
        Assert.True(TriggerResult.FireAndPurge.IsFire() && TriggerResult.FireAndPurge.IsPurge());
        Assert.False(TriggerResult.Fire.IsPurge() || TriggerResult.Purge.IsFire());
    }

    [Fact]
    public void ATriggerThatDoesNotOverrideMergingSaysItCannotMerge()
    {
        var trigger = new FireOnEveryElement();
        Assert.False(trigger.CanMerge);
        Assert.Contains("does not support merging", Assert.Throws<InvalidOperationException>(() => trigger.OnMerge(Window, new RecordingTriggerContext())).Message);
    }

    private sealed class FireOnEveryElement : Trigger<TimeWindow>
    {
        public override TriggerResult OnElement<T>(T element, long timestamp, TimeWindow window, ITriggerContext context) => TriggerResult.Fire;

        public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

        public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

        public override void Clear(TimeWindow window, ITriggerContext context) { }
    }
}
