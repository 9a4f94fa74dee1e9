using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>
/// The source of the event-time test jobs: a rate-limited generator of record numbers n, keyed by
/// n mod keys, whose event time <see cref="Timestamp"/> runs 10 ms per record with up to 90 ms of
/// jitter (out of order by at most 50 ms within a split, less than the 100 ms the strategy allows,
/// so no record is ever late) and a 5 s pause after every 1 000 records (so sessions close), or the
/// same numbers read from a topic. A
/// failure injector after the source throws at the failure plan's record numbers, and the timestamp
/// assigner throws at <see cref="BadTimestampAt"/>.
/// </summary>
public static class EventTimeNumbers
{
    public const int Splits = 4;
    public const long OutOfOrdernessMs = 100;
    public static readonly ConfigOption<long> Records = ConfigOptions.Key("records").LongType().WithDefault(4_000);
    public static readonly ConfigOption<long> Keys = ConfigOptions.Key("keys").LongType().WithDefault(8);
    public static readonly ConfigOption<double> Rate = ConfigOptions.Key("records-per-second").DoubleType().WithDefault(1_000);
    public static readonly ConfigOption<string> Plan = ConfigOptions.Key("failure-plan").StringType().WithDefault("");
    public static readonly ConfigOption<string> Output = ConfigOptions.Key("output").StringType().WithDefault("");
    public static readonly ConfigOption<int> SourceSplits = ConfigOptions.Key("splits").IntType().WithDefault(Splits);
    public static readonly ConfigOption<long> IdlenessMs = ConfigOptions.Key("idleness-ms").LongType().WithDefault(0);
    /// <summary>Reads the record numbers (as text) from this topic, unbounded, instead of generating them.</summary>
    public static readonly ConfigOption<string> Topic = ConfigOptions.Key("topic").StringType().WithDefault("");
    public static readonly ConfigOption<long> BadTimestampAt = ConfigOptions.Key("bad-timestamp-at").LongType().WithDefault(-1);

    public static long Timestamp(long n) => n * 10 + (n * 7 % 10 * 10) + (n / 1_000 * 5_000);

    /// <summary>Source → failure injector → keyBy(n mod keys), with event time from <see cref="Timestamp"/>.</summary>
    public static KeyedStream<long, long> KeyedNumbers(StreamExecutionEnvironment env)
    {
        var keys = env.GetParameter(Keys);
        var plan = env.GetParameter(Plan);
        var badAt = env.GetParameter(BadTimestampAt);
        var strategy = WatermarkStrategy<long>.ForBoundedOutOfOrderness(TimeSpan.FromMilliseconds(OutOfOrdernessMs))
            .WithTimestampAssigner(n => n == badAt ? throw new FormatException($"no timestamp in record {n}") : Timestamp(n));
        if (env.GetParameter(IdlenessMs) is > 0 and var idleness) strategy = strategy.WithIdleness(TimeSpan.FromMilliseconds(idleness));
        ISource<long> source = env.GetParameter(Topic) is { Length: > 0 } topic
            ? new TopicSource<long>(topic, bounded: false, r => long.Parse(r.ValueAsText(), System.Globalization.CultureInfo.InvariantCulture))
            : new GeneratorSource<long>(env.GetParameter(Records), n => n, splits: env.GetParameter(SourceSplits), recordsPerSecond: env.GetParameter(Rate));
        return env.FromSource(source, strategy, "Numbers").Uid("numbers")
            .Map(n => FailurePlan.Check(plan, n), "Failure injector").Uid("injector")
            .KeyBy(n => n % keys);
    }
}
