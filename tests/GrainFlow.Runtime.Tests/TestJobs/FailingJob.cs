using GrainFlow.Configuration;
using GrainFlow.Errors;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>A map function that throws on one chosen record.</summary>
public sealed class FailingJob : IStreamingJob
{
    public const string Name = "failing";
    public const string Message = "Boom at record";
    public static readonly ConfigOption<long> FailAt = ConfigOptions.Key("fail-at").LongType().WithDefault(500);

    /// <summary>True: the map throws a failure no restart can fix instead of an ordinary one.</summary>
    public static readonly ConfigOption<bool> NonRecoverable = ConfigOptions.Key("non-recoverable").BoolType().WithDefault(false);

    public void Build(StreamExecutionEnvironment env)
    {
        var failAt = env.GetParameter(FailAt);
        var nonRecoverable = env.GetParameter(NonRecoverable);
        env.FromSource(new GeneratorSource<long>(10_000, n => n), "Generator").Uid("generator")
            .Map(n => n != failAt ? n
                : nonRecoverable ? throw new NonRecoverableJobException($"{Message} {n}")
                : throw new ArgumentOutOfRangeException(nameof(n), $"{Message} {n}"), "Explode").Uid("explode")
            .Rebalance()
            .SinkTo(new DiscardingSink<long>()).Uid("sink");
    }
}
