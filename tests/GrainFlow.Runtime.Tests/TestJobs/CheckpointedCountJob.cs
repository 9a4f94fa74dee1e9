using System.Collections.Concurrent;
using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;
using GrainFlow.Silo.Examples;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>
/// A rate-limited generator → failure injector → keyBy → count in keyed state → sink (discarding,
/// unless the example jobs' <c>sink</c> parameter names a file or topic sink). The injector throws
/// once at each record number of the job's failure plan, so a test can fail the job at chosen points
/// and compare the final keyed state and the committed output with the failure-free answer.
/// </summary>
public sealed class CheckpointedCountJob : IStreamingJob
{
    public const string Name = "checkpointed-count";
    public static readonly ConfigOption<long> Records = ConfigOptions.Key("records").LongType().WithDefault(long.MaxValue);
    public static readonly ConfigOption<long> Keys = ConfigOptions.Key("keys").LongType().WithDefault(50);
    public static readonly ConfigOption<double> Rate = ConfigOptions.Key("records-per-second").DoubleType().WithDefault(5000);
    public static readonly ConfigOption<string> Plan = ConfigOptions.Key("failure-plan").StringType().WithDefault("");

    public void Build(StreamExecutionEnvironment env)
    {
        var keys = env.GetParameter(Keys);
        var plan = env.GetParameter(Plan);
        env.FromSource(new GeneratorSource<long>(env.GetParameter(Records), n => n, splits: 4, recordsPerSecond: env.GetParameter(Rate)), "Numbers").Uid("numbers")
            .Map(n => FailurePlan.Check(plan, n), "Failure injector").Uid("injector")
            .KeyBy(n => n % keys)
            .Process(new KeyedCountJob.CountPerKey(), "Count").Uid("count")
            .SinkTo(env.Configuration.Contains(ExampleSinks.Sink)
                ? ExampleSinks.Create<KeyCount>(env, "checkpointed-counts", c => c.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))
                : new DiscardingSink<KeyCount>()).Uid("sink");
    }
}

/// <summary>Record numbers at which a job's injector throws, each once (shared by the in-process silos of a test cluster).</summary>
public static class FailurePlan
{
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<long, byte>> Plans = new();
    private static readonly ConcurrentDictionary<string, long> Thresholds = new();

    public static string Create(IEnumerable<long> failAt)
    {
        var id = Guid.NewGuid().ToString("N");
        Plans[id] = new ConcurrentDictionary<long, byte>(failAt.Select(n => new KeyValuePair<long, byte>(n, 0)));
        return id;
    }

    public static int Remaining(string id) =>
        (Plans.TryGetValue(id, out var plan) ? plan.Count : 0) + (Thresholds.ContainsKey(id) ? 1 : 0);

    /// <summary>Arms one more failure in an existing plan (e.g. just ahead of where a running source is).</summary>
    public static void Add(string id, long record) => Plans[id].TryAdd(record, 0);

    /// <summary>
    /// Arms one failure at the first record numbered <paramref name="record"/> or higher, whichever split
    /// emits it: unlike <see cref="Add"/> it cannot be missed when the sources have moved past the number
    /// while the test was arming it.
    /// </summary>
    public static void AddAtOrAfter(string id, long record) => Thresholds[id] = record;

    public static long Check(string id, long record)
    {
        if (id.Length > 0 && Thresholds.TryGetValue(id, out var threshold) && record >= threshold
            && Thresholds.TryRemove(new KeyValuePair<string, long>(id, threshold)))
        {
            throw new InvalidOperationException($"Injected failure at record {record} (armed at {threshold} or later).");
        }
        if (id.Length > 0 && Plans.TryGetValue(id, out var plan) && plan.TryRemove(record, out _))
        {
            throw new InvalidOperationException($"Injected failure at record {record}.");
        }
        return record;
    }
}
