using System.Globalization;
using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.Sinks;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>Count and sum of a window's record numbers: the window job's accumulator.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.tests.WindowSum")]
public sealed record WindowSum([property: Id(0)] long Count, [property: Id(1)] long Sum);

/// <summary>
/// <see cref="EventTimeNumbers"/> → an event-time window per key (tumbling 1 s, sliding 2 s every
/// 500 ms, sessions with a 1 s gap, or a global window firing every 100 records) aggregating count and sum → one line per fired window,
/// <c>key,start,end,count,sum</c>, to a file sink (two-phase commit when checkpoints are on).
/// </summary>
public sealed class EventTimeWindowJob : IStreamingJob
{
    public const string Name = "event-time-windows";
    public const string WindowUid = "window";
    public static readonly TimeSpan TumblingSize = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan SlidingSize = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan SlidingSlide = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan SessionGap = TimeSpan.FromSeconds(1);
    public const long GlobalCount = 100;
    public static readonly ConfigOption<string> Kind = ConfigOptions.Key("window").StringType().WithDefault("tumbling");

    public void Build(StreamExecutionEnvironment env)
    {
        var keyed = EventTimeNumbers.KeyedNumbers(env);
        var results = env.GetParameter(Kind) switch
        {
            "tumbling" => keyed.Window(TumblingEventTimeWindows.Of(TumblingSize)).Aggregate(new CountAndSum(), new DescribeWindow(), "Window"),
            "sliding" => keyed.Window(SlidingEventTimeWindows.Of(SlidingSize, SlidingSlide)).Aggregate(new CountAndSum(), new DescribeWindow(), "Window"),
            "session" => keyed.Window<TimeWindow>(EventTimeSessionWindows.WithGap(SessionGap)).Aggregate(new CountAndSum(), new DescribeWindow(), "Window"),
            // Another window type under the same uid: what a restore from time windows must refuse.
            "global" => keyed.Window(GlobalWindows.Create()).Trigger(CountTrigger.Of(GlobalCount)).Aggregate(new CountAndSum(), new DescribeGlobalWindow(), "Window"),
            var other => throw new ArgumentException($"Unknown window kind '{other}': use tumbling, sliding, session or global."),
        };
        results.Uid(WindowUid).SinkTo(new FileSink<string>(env.GetParameter(EventTimeNumbers.Output)), "Results").Uid("results");
    }

    public static string Line(long key, TimeWindow window, WindowSum sum) =>
        string.Create(CultureInfo.InvariantCulture, $"{key},{window.Start},{window.End},{sum.Count},{sum.Sum}");

    private sealed class CountAndSum : IAggregateFunction<long, WindowSum, WindowSum>
    {
        public WindowSum CreateAccumulator() => new(0, 0);

        public WindowSum Add(long value, WindowSum accumulator) => new(accumulator.Count + 1, accumulator.Sum + value);

        public WindowSum GetResult(WindowSum accumulator) => accumulator;

        public WindowSum Merge(WindowSum a, WindowSum b) => new(a.Count + b.Count, a.Sum + b.Sum);
    }

    private sealed class DescribeWindow : ProcessWindowFunction<WindowSum, string, long, TimeWindow>
    {
        public override void Process(long key, Context context, IEnumerable<WindowSum> elements, ICollector<string> output)
        {
            foreach (var sum in elements) output.Collect(Line(key, context.Window, sum));
        }
    }

    private sealed class DescribeGlobalWindow : ProcessWindowFunction<WindowSum, string, long, GlobalWindow>
    {
        public override void Process(long key, Context context, IEnumerable<WindowSum> elements, ICollector<string> output)
        {
            foreach (var sum in elements) output.Collect(string.Create(CultureInfo.InvariantCulture, $"{key},global,{sum.Count},{sum.Sum}"));
        }
    }
}
