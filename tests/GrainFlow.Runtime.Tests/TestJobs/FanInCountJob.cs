using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;
using GrainFlow.Silo.Examples;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>
/// Sources at the job's parallelism fan in to one keyed count (with its sink chained): a silo that
/// hosts only a source subtask holds nothing any other subtask sends to, so when it dies no channel
/// fails and nobody reports — only the job manager's heartbeats can find the loss.
/// </summary>
public sealed class FanInCountJob : IStreamingJob
{
    public const string Name = "fan-in-count";
    public static readonly ConfigOption<long> Records = ConfigOptions.Key("records").LongType().WithDefault(10_000);
    public static readonly ConfigOption<long> Keys = ConfigOptions.Key("keys").LongType().WithDefault(30);
    public static readonly ConfigOption<double> Rate = ConfigOptions.Key("records-per-second").DoubleType().WithDefault(1000);

    public void Build(StreamExecutionEnvironment env)
    {
        var keys = env.GetParameter(Keys);
        env.FromSource(new GeneratorSource<long>(env.GetParameter(Records), n => n, splits: 6, recordsPerSecond: env.GetParameter(Rate)), "Numbers").Uid("numbers")
            .KeyBy(n => n % keys)
            .Process(new KeyedCountJob.CountPerKey(), "Count").Uid("count").Parallelism(1)
            .SinkTo(new DiscardingSink<KeyCount>()).Uid("sink").Parallelism(1);
    }
}
