using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>One generator read by two branches: broadcast to three file sinks, and rebalanced to two.</summary>
public sealed class FanOutJob : IStreamingJob
{
    public const string Name = "fan-out";
    public static readonly ConfigOption<string> Output = ConfigOptions.Key("output").StringType();

    public void Build(StreamExecutionEnvironment env)
    {
        var output = env.GetParameter(Output);
        var numbers = env.FromSource(new GeneratorSource<long>(300, n => n, splits: 3), "Numbers").Uid("numbers").Parallelism(1);
        numbers.Broadcast().SinkTo(new FileSink<long>(Path.Combine(output, "broadcast"))).Uid("everywhere").Parallelism(3);
        numbers.Rebalance().SinkTo(new FileSink<long>(Path.Combine(output, "rebalance"))).Uid("spread").Parallelism(2);
    }
}
