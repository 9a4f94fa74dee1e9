using System.Collections.Concurrent;
using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>
/// Two source subtasks whose event time runs at different speeds: a rate-limited generator with two
/// splits at parallelism 2, the even numbers (split 0) 10 ms of event time apart, the odd ones (split 1)
/// 1 ms. A probe chained to the sources measures, in this process, how far the fast source's timestamps
/// get ahead of the slow one's (<see cref="Gaps"/>), with watermark alignment (<see cref="DriftMs"/> &gt; 0) or without.
/// </summary>
public sealed class AlignedSourcesJob : IStreamingJob
{
    public const string Name = "aligned-sources";
    public static readonly ConfigOption<long> Records = ConfigOptions.Key("records").LongType().WithDefault(8_000);
    public static readonly ConfigOption<double> Rate = ConfigOptions.Key("records-per-second").DoubleType().WithDefault(4_000);
    public static readonly ConfigOption<long> DriftMs = ConfigOptions.Key("alignment-drift-ms").LongType().WithDefault(0);
    public static readonly ConfigOption<string> RunId = ConfigOptions.Key("run-id").StringType().WithDefault("");

    /// <summary>Per run id, what the probe saw.</summary>
    public static readonly ConcurrentDictionary<string, TimestampGap> Gaps = new();

    public static long Timestamp(long n) => n % 2 == 0 ? n / 2 * 10 : n / 2;

    public void Build(StreamExecutionEnvironment env)
    {
        var strategy = WatermarkStrategy<long>.ForMonotonousTimestamps().WithTimestampAssigner(Timestamp);
        if (env.GetParameter(DriftMs) is > 0 and var drift)
        {
            strategy = strategy.WithWatermarkAlignment("numbers", TimeSpan.FromMilliseconds(drift), TimeSpan.FromMilliseconds(10));
        }
        var gap = Gaps.GetOrAdd(env.GetParameter(RunId), _ => new TimestampGap(env.GetParameter(Records) / 2 - 1));
        env.FromSource(new GeneratorSource<long>(env.GetParameter(Records), n => n, splits: 2, recordsPerSecond: env.GetParameter(Rate)), strategy, "Numbers").Uid("numbers")
            .Process(new Probe(gap), "Probe").Uid("probe")
            .SinkTo(new DiscardingSink<long>()).Uid("sink");
    }

    /// <summary>
    /// The highest timestamp of each source seen so far, and the largest lead of the fast one over the slow
    /// one while the slow one was in the second half of its records (its start, before both sources had
    /// reported to their group, is not what alignment promises).
    /// </summary>
    public sealed class TimestampGap(long slowLast)
    {
        private long _fast = long.MinValue;
        private long _slow = long.MinValue;

        public long MaxLeadInSecondHalf { get; private set; } = long.MinValue;

        public void Saw(long n, long timestamp)
        {
            lock (this)
            {
                if (n % 2 == 0) _fast = Math.Max(_fast, timestamp);
                else _slow = Math.Max(_slow, timestamp);
                if (_slow >= slowLast / 2 && _slow < slowLast && _fast > long.MinValue) MaxLeadInSecondHalf = Math.Max(MaxLeadInSecondHalf, _fast - _slow);
            }
        }
    }

    private sealed class Probe(TimestampGap gap) : ProcessFunction<long, long>
    {
        public override void ProcessElement(long value, Context context, ICollector<long> output)
        {
            gap.Saw(value, context.Timestamp ?? throw new InvalidOperationException($"Record {value} has no timestamp."));
            output.Collect(value);
        }
    }
}
