using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.Operators.Windowing;
using GrainFlow.Runtime.Tests.Harness;

namespace GrainFlow.Runtime.Tests.Windowing;

/// <summary>A process window function's per-window state (gone with the window) and per-key state (shared by the key's windows), its view of time, and its clear hook.</summary>
[Trait("Category", "Unit")]
public sealed class ProcessWindowFunctionStateTests
{
    private static readonly ValueStateDescriptor<int> Firings = new("firings");
    private static readonly ListStateDescriptor<long> Windows = new("windows");

    /// <summary>Writes "user [start, end) n elements, firing f of the window, window w of the user, watermark m".</summary>
    private sealed class CountFirings : ProcessWindowFunction<Click, string, string, TimeWindow>
    {
        public List<TimeWindow> Cleared { get; } = new();

        public override void Process(string key, Context context, IEnumerable<Click> elements, ICollector<string> output)
        {
            var firings = context.WindowState.GetState(Firings);
            firings.Update(firings.Value + 1);
            var windows = context.GlobalState.GetListState(Windows);
            if (firings.Value == 1) windows.Add(context.Window.Start);
            output.Collect($"{key} [{context.Window.Start}, {context.Window.End}) {elements.Count()} elements, firing {firings.Value} of the window, " +
                $"window {windows.Get().Count} of the user, watermark {context.CurrentWatermark}");
        }

        public override void Clear(Context context)
        {
            Cleared.Add(context.Window);
            context.WindowState.GetState(Firings).Clear();
        }
    }

    [Fact]
    public void WindowStateCountsLateFiringsPerWindowGlobalStateSpansWindowsAndClearRunsAtCleanup()
    {
        var function = new CountFirings();
        var harness = new WindowHarness<string>(clicks => clicks.Window(TumblingEventTimeWindows.Of(TimeSpan.FromMilliseconds(10)))
            .AllowedLateness(TimeSpan.FromMilliseconds(10)).Process(function));
        harness.Add("a", 1);
        harness.Add("a", 12);
        harness.Watermark(9);
        harness.Add("a", 2);
        harness.Watermark(19);

        Assert.Equal(
        [
            "a [0, 10) 1 elements, firing 1 of the window, window 1 of the user, watermark 9",
            "a [0, 10) 2 elements, firing 2 of the window, window 1 of the user, watermark 9",
            "a [10, 20) 1 elements, firing 1 of the window, window 2 of the user, watermark 19",
        ], harness.Output.Select(o => o.Value));
        Assert.Equal([new TimeWindow(0, 10)], function.Cleared);
        Assert.Equal(1, harness.Entries(WindowStateNames.UserPrefix + Firings.Name));

        harness.Watermark(29);
        Assert.Equal([new TimeWindow(0, 10), new TimeWindow(10, 20)], function.Cleared);
        Assert.Equal(0, harness.Entries(WindowStateNames.UserPrefix + Firings.Name));
        Assert.Equal(1, harness.Entries(WindowStateNames.UserPrefix + Windows.Name));
    }

    [Fact]
    public void PerWindowStateOfMergingWindowsIsRefusedAsInFlink()
    {
        var harness = new WindowHarness<string>(clicks => clicks.Window(EventTimeSessionWindows.WithGap(TimeSpan.FromMilliseconds(10))).Process(new CountFirings()));
        harness.Add("a", 1);
        var error = Assert.Throws<InvalidOperationException>(() => harness.Watermark(100));
        Assert.Contains("Per-window state is not supported when using merging windows", error.Message);
    }

    [Fact]
    public void ProcessingTimeSessionsMergeOnTheClockAndFireWhenItReachesTheSessionsMaxTimestamp()
    {
        var harness = new WindowHarness<string>(clicks => clicks.Window(ProcessingTimeSessionWindows.WithGap(TimeSpan.FromMilliseconds(10)))
            .Aggregate(new ClickCount(), new DescribeProcessingTimeWindow()));
        harness.Operator.SetProcessingTime(100);
        harness.Add("a", long.MinValue);
        harness.Operator.SetProcessingTime(105);
        harness.Add("a", long.MinValue);
        harness.Operator.SetProcessingTime(113);
        Assert.Empty(harness.Output);
        harness.Operator.SetProcessingTime(114);
        Assert.Equal([new TimestampedValue<string>("a [100, 115) count=2", 114)], harness.Output);
        Assert.Equal(0, harness.Entries(WindowStateNames.MergingWindowSet));
    }

    private sealed class DescribeProcessingTimeWindow : ProcessWindowFunction<(long Count, long Sum), string, string, TimeWindow>
    {
        public override void Process(string key, Context context, IEnumerable<(long Count, long Sum)> elements, ICollector<string> output)
        {
            Assert.True(context.CurrentProcessingTime >= context.Window.MaxTimestamp);
            output.Collect($"{key} [{context.Window.Start}, {context.Window.End}) count={Assert.Single(elements).Count}");
        }
    }
}
