using GrainFlow.Configuration;
using GrainFlow.Errors;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;
using GrainFlow.Silo.Examples;

namespace GrainFlow.Runtime.Tests.Jobs;

[Trait("Category", "Unit")]
public sealed class JobGraphTests
{
    internal static StreamExecutionEnvironment Env(params (string Key, string Value)[] settings) =>
        new(new GrainFlowConfiguration(settings.Select(s => new KeyValuePair<string, string>(s.Key, s.Value))), jobId: "00000000000000000000000000000000");

    [Fact]
    public void ForwardOperatorsAreChainedAndKeyByStartsANewVertex()
    {
        var env = Env(("sink", "discard"));
        new KeyedCountJob().Build(env);
        var graph = JobGraph.Build(env);
        Assert.Equal(2, graph.Vertices.Count);
        Assert.Equal(["generator"], graph.Vertices[0].Chain.Select(n => n.Uid));
        Assert.Equal(["count", "sink"], graph.Vertices[1].Chain.Select(n => n.Uid));
        var edge = Assert.Single(graph.Edges);
        Assert.Equal(PartitionKind.Hash, edge.Partitioning);
        Assert.Empty(graph.Warnings);
    }

    [Fact]
    public void MaxParallelismDefaultsToFlinksRuleOverTheLargestOperator()
    {
        var env = Env(("sink", "discard"));
        env.Parallelism = 100;
        new KeyedCountJob().Build(env);
        Assert.Equal(256, JobGraph.Build(env).MaxParallelism);
    }

    [Fact]
    public void OperatorsWithoutUidGetDeterministicUidsAndAWarning()
    {
        StreamExecutionEnvironment Build()
        {
            var env = Env();
            env.FromSource(new GeneratorSource<long>(10, n => n), "Numbers").Map(n => n * 2).SinkTo(new DiscardingSink<long>());
            return env;
        }
        var first = JobGraph.Build(Build());
        var second = JobGraph.Build(Build());
        var uids = first.Vertices.SelectMany(v => v.Chain).Select(n => n.Uid).ToList();
        Assert.Equal(["source-0", "map-1", "sink-2"], uids);
        Assert.Equal(uids, second.Vertices.SelectMany(v => v.Chain).Select(n => n.Uid));
        Assert.Equal(3, first.Warnings.Count);
        Assert.Contains("Set .Uid(", first.Warnings[0]);
    }

    [Fact]
    public void ADuplicateUidIsRejected()
    {
        var env = Env();
        env.FromSource(new GeneratorSource<long>(10, n => n), "Numbers").Uid("same").SinkTo(new DiscardingSink<long>()).Uid("same");
        var error = Assert.Throws<JobConfigurationException>(() => JobGraph.Build(env));
        Assert.Contains("'same'", error.Message);
    }

    [Fact]
    public void AParallelismAboveTheMaxParallelismIsRejected()
    {
        var env = Env(("pipeline.max-parallelism", "4"));
        env.FromSource(new GeneratorSource<long>(10, n => n), "Numbers").Uid("n").Parallelism(8).SinkTo(new DiscardingSink<long>()).Uid("s");
        var error = Assert.Throws<JobConfigurationException>(() => JobGraph.Build(env));
        Assert.Contains("max parallelism 4", error.Message);
    }

    [Fact]
    public void AForwardEdgeBetweenDifferentParallelismsRebalances()
    {
        var env = Env();
        env.FromSource(new GeneratorSource<long>(10, n => n), "Numbers").Uid("n").Parallelism(2).SinkTo(new DiscardingSink<long>()).Uid("s").Parallelism(3);
        var graph = JobGraph.Build(env);
        Assert.Equal(PartitionKind.Rebalance, Assert.Single(graph.Edges).Partitioning);
    }
}
