using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Bench.Windows;

/// <summary>
/// <c>bench-window-count</c>: the generator's views (as sequence numbers; user and time from
/// <see cref="BenchEvents"/>), bounded out-of-orderness watermarks of 5 s as in <c>user-sessions</c>
/// (aligned across the source subtasks when <see cref="AlignmentDrift"/> is set),
/// keyed by user, counted per event-time window; each fired window's count is added to
/// <see cref="CountedSink"/>, which the benchmark checks against the events.
/// </summary>
internal sealed class WindowCountJob : IStreamingJob
{
    public const string Name = "bench-window-count";

    public static readonly ConfigOption<long> Events = ConfigOptions.Key("events").LongType().WithDefault(1_000_000);
    public static readonly ConfigOption<long> Users = ConfigOptions.Key("users").LongType().WithDefault(1_000_000);
    public static readonly ConfigOption<long> IntervalMs = ConfigOptions.Key("interval-ms").LongType().WithDefault(1);
    public static readonly ConfigOption<WindowKind> Kind = ConfigOptions.Key("window").EnumType<WindowKind>().WithDefault(WindowKind.Tumbling);
    /// <summary>Watermark alignment of the source subtasks (drift in event time; zero: none), reported every <see cref="AlignmentUpdateInterval"/>.</summary>
    public static readonly ConfigOption<TimeSpan> AlignmentDrift = ConfigOptions.Key("alignment.max-drift").DurationType().WithDefault(TimeSpan.Zero);
    public static readonly ConfigOption<TimeSpan> AlignmentUpdateInterval = ConfigOptions.Key("alignment.update-interval").DurationType().WithDefault(TimeSpan.FromMilliseconds(20));

    public void Build(StreamExecutionEnvironment env)
    {
        var users = env.GetParameter(Users);
        var interval = env.GetParameter(IntervalMs);
        var watermarks = WatermarkStrategy<long>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(5))
            .WithTimestampAssigner((n, _) => BenchEvents.TimestampOf(n, interval));
        if (env.GetParameter(AlignmentDrift) is var drift && drift > TimeSpan.Zero)
        {
            watermarks = watermarks.WithWatermarkAlignment("views", drift, env.GetParameter(AlignmentUpdateInterval));
        }
        var keyed = env.FromSource(new GeneratorSource<long>(env.GetParameter(Events), n => n, splits: 8), watermarks, "Views").Uid("views")
            .KeyBy(n => BenchEvents.UserOf(n, users));
        var counts = env.GetParameter(Kind) switch
        {
            WindowKind.Tumbling => keyed.Window(TumblingEventTimeWindows.Of(WindowKinds.Size)).Aggregate(new CountAggregate(), "Count"),
            WindowKind.Sliding => keyed.Window(SlidingEventTimeWindows.Of(WindowKinds.Size, WindowKinds.Slide)).Aggregate(new CountAggregate(), "Count"),
            _ => keyed.Window(EventTimeSessionWindows.WithGap(WindowKinds.Gap)).Aggregate(new CountAggregate(), "Count"),
        };
        counts.Uid("count").SinkTo(new CountedSink(), "Counted").Uid("counted");
    }

    private sealed class CountAggregate : IAggregateFunction<long, long, long>
    {
        public long CreateAccumulator() => 0;

        public long Add(long value, long accumulator) => accumulator + 1;

        public long GetResult(long accumulator) => accumulator;

        public long Merge(long a, long b) => a + b;
    }
}
