using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>Runs until cancelled: a rate-limited endless generator into a keyed count.</summary>
public sealed class UnboundedJob : IStreamingJob
{
    public const string Name = "unbounded";

    public void Build(StreamExecutionEnvironment env)
    {
        env.FromSource(new GeneratorSource<long>(long.MaxValue, n => n, recordsPerSecond: 2000), "Endless").Uid("endless")
            .KeyBy(n => n % 10)
            .Reduce((a, b) => a + b).Uid("sum")
            .SinkTo(new DiscardingSink<long>()).Uid("sink");
    }
}
