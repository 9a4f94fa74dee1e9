using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace GrainFlow.Runtime.Tests.Jobs;

/// <summary>How side outputs shape the job graph: their edges, chaining, and the checks at build.</summary>
[Trait("Category", "Unit")]
public sealed class SideOutputGraphTests
{
    private static readonly OutputTag<string> Odd = SplitOdd.Odd;

    private static (StreamExecutionEnvironment Env, DataStream<long> Split) Split()
    {
        var env = JobGraphTests.Env();
        env.Parallelism = 2;
        var split = env.FromSource(new GeneratorSource<long>(10, n => n), "Numbers").Uid("numbers").Process(new SplitOdd(), "Split").Uid("split");
        return (env, split);
    }

    private static IEnumerable<string> Uids(JobVertex vertex) => vertex.Chain.Select(n => n.Uid);

    [Fact]
    public void ASideOutputsOnlyForwardReaderIsChainedWhileTheMainOutputCrossesAKeyBy()
    {
        var (env, split) = Split();
        split.KeyBy(n => n % 3).Reduce((a, b) => a + b).Uid("sum").SinkTo(new DiscardingSink<long>()).Uid("sum-sink");
        split.GetSideOutput(Odd).SinkTo(new DiscardingSink<string>()).Uid("odd-sink");

        var graph = JobGraph.Build(env);

        Assert.Equal(2, graph.Vertices.Count);
        Assert.Equal(["numbers", "split", "odd-sink"], Uids(graph.Vertices[0]));
        Assert.Equal(["sum", "sum-sink"], Uids(graph.Vertices[1]));
        var edge = Assert.Single(graph.Edges);
        Assert.Equal(PartitionKind.Hash, edge.Partitioning);
        Assert.Null(edge.SideOutput);
        Assert.Equal("split", edge.Output.Uid);
    }

    [Fact]
    public void ASideOutputReadOverAKeyByAtAnotherParallelismIsAnEdgeCarryingItsTag()
    {
        var (env, split) = Split();
        split.SinkTo(new DiscardingSink<long>()).Uid("even-sink");
        split.GetSideOutput(Odd).KeyBy(s => s.Length).Process(new CountByLength(), "Count").Uid("odd-count").Parallelism(3)
            .SinkTo(new DiscardingSink<long>()).Uid("odd-count-sink").Parallelism(3);

        var graph = JobGraph.Build(env);

        Assert.Equal(["numbers", "split", "even-sink"], Uids(graph.Vertices[0]));
        Assert.Equal(["odd-count", "odd-count-sink"], Uids(graph.Vertices[1]));
        var edge = Assert.Single(graph.Edges);
        Assert.Equal(Odd.Id, edge.SideOutput?.Id);
        Assert.Equal(typeof(string), edge.SideOutput?.ElementType);
        Assert.Equal(PartitionKind.Hash, edge.Partitioning);
        Assert.Equal(3, edge.Target.Parallelism);
    }

    [Fact]
    public void AnOutputWithTwoReadersChainsNeitherAndTheOtherOutputStaysChained()
    {
        var (env, split) = Split();
        split.SinkTo(new DiscardingSink<long>()).Uid("even-sink");
        var odd = split.GetSideOutput(Odd);
        odd.SinkTo(new DiscardingSink<string>()).Uid("odd-a");
        split.GetSideOutput(Odd).SinkTo(new DiscardingSink<string>()).Uid("odd-b");

        var graph = JobGraph.Build(env);

        Assert.Equal(["numbers", "split", "even-sink"], Uids(graph.Vertices[0]));
        Assert.Equal([["odd-a"], ["odd-b"]], graph.Vertices.Skip(1).Select(v => Uids(v).ToArray()));
        Assert.All(graph.Edges, e => Assert.Equal((Odd.Id, PartitionKind.Forward, graph.Vertices[0]), (e.SideOutput?.Id, e.Partitioning, e.Source)));
    }

    [Fact]
    public void ASideOutputReadAtAnotherParallelismIsRebalanced()
    {
        var (env, split) = Split();
        split.GetSideOutput(Odd).SinkTo(new DiscardingSink<string>()).Uid("odd-sink").Parallelism(3);

        var graph = JobGraph.Build(env);

        Assert.Equal(["numbers", "split"], Uids(graph.Vertices[0]));
        Assert.Equal(PartitionKind.Rebalance, Assert.Single(graph.Edges).Partitioning);
    }

    [Fact]
    public void ASideOutputIdReadWithTwoElementTypesFromOneOperatorIsRejected()
    {
        var (_, split) = Split();
        split.GetSideOutput(Odd);

        var error = Assert.Throws<ArgumentException>(() => split.GetSideOutput(new OutputTag<long>("odd")));

        Assert.Contains("OutputTag<String>(\"odd\")", error.Message);
        Assert.Contains("OutputTag<Int64>(\"odd\")", error.Message);
    }

    [Fact]
    public void ASideOutputIdWithTwoElementTypesInOneJobFailsTheBuildNamingBoth()
    {
        var (env, split) = Split();
        split.GetSideOutput(Odd).SinkTo(new DiscardingSink<string>()).Uid("odd-sink");
        var other = split.Map(n => n + 1, "Plus one").Uid("plus-one").Process(new SplitOdd(), "Second split").Uid("split-2");
        other.GetSideOutput(new OutputTag<long>("odd")).SinkTo(new DiscardingSink<long>()).Uid("odd-sink-2");

        var error = Assert.Throws<JobConfigurationException>(() => JobGraph.Build(env));

        Assert.Contains("OutputTag<String>(\"odd\") on 'Split' (split)", error.Message);
        Assert.Contains("OutputTag<Int64>(\"odd\") on 'Second split' (split-2)", error.Message);
    }

    [Fact]
    public void ASideOutputDeclaredToBeReadAndNeverReadIsRefusedNamingTheOperatorAndTheTag()
    {
        var (env, split) = Split();
        split.SinkTo(new DiscardingSink<long>()).Uid("even-sink");
        split.Node.DeclareSideOutputToRead(Odd, "SideOutputLateData");

        var warning = Assert.Throws<JobConfigurationException>(() => JobGraph.Build(env)).Message;

        Assert.Contains("Operator 'Split' (split)", warning);
        Assert.Contains("side output 'odd' (SideOutputLateData)", warning);
        Assert.Contains("GetSideOutput(OutputTag<String>(\"odd\"))", warning);
    }

    [Fact]
    public void ASideOutputDeclaredToBeReadAndReadGivesNoWarning()
    {
        var (env, split) = Split();
        split.SinkTo(new DiscardingSink<long>()).Uid("even-sink");
        split.Node.DeclareSideOutputToRead(Odd, "SideOutputLateData");
        split.GetSideOutput(Odd).SinkTo(new DiscardingSink<string>()).Uid("odd-sink");

        Assert.Empty(JobGraph.Build(env).Warnings);
    }

    [Fact]
    public void ASideOutputStreamIsNotAnOperatorToConfigure()
    {
        var (_, split) = Split();

        var error = Assert.Throws<InvalidOperationException>(() => split.GetSideOutput(Odd).Uid("odd"));

        Assert.Contains("OutputTag<String>(\"odd\") is a side output of 'Split'", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(null)]
    public void AnOutputTagWithoutAnIdIsRejected(string? id)
    {
        var error = Assert.Throws<ArgumentException>(() => new OutputTag<string>(id!));
        Assert.Contains("OutputTag id must not be null or empty", error.Message);
    }

    [Fact]
    public void OutputTagsAreEqualByIdAndElementType()
    {
        Assert.Equal(new OutputTag<string>("a"), new OutputTag<string>("a"));
        Assert.Equal(new OutputTag<string>("a").GetHashCode(), new OutputTag<string>("a").GetHashCode());
        Assert.NotEqual(new OutputTag<string>("a"), new OutputTag<string>("b"));
        Assert.False(new OutputTag<string>("a").Equals(new OutputTag<long>("a")));
    }

    private sealed class CountByLength : KeyedProcessFunction<int, string, long>
    {
        public override void ProcessElement(string value, Context context, ICollector<long> output) => output.Collect(value.Length);
    }

    [Fact]
    public void ASubmissionWhoseJobReadsOneSideOutputIdWithTwoTypesIsRefusedNamingBoth()
    {
        var catalog = Catalog(new InlineJob(env =>
        {
            var split = env.FromSource(new GeneratorSource<long>(10, n => n), "Numbers").Uid("numbers").Process(new SplitOdd(), "Split").Uid("split");
            split.GetSideOutput(Odd).SinkTo(new DiscardingSink<string>()).Uid("odd-text");
            split.GetSideOutput(new OutputTag<long>("odd")).SinkTo(new DiscardingSink<long>()).Uid("odd-number");
        }));

        var refused = Assert.Throws<JobConfigurationException>(() => catalog.Plan(JobId.New(), new JobSubmission(InlineJob.Name, new Dictionary<string, string>())));

        Assert.Contains("Job 'inline' could not be built", refused.Message);
        Assert.Contains("OutputTag<String>(\"odd\")", refused.Message);
        Assert.Contains("OutputTag<Int64>(\"odd\")", refused.Message);
    }

    [Fact]
    public void ASubmissionWithADeclaredSideOutputNeverReadIsRefused()
    {
        var catalog = Catalog(new InlineJob(env =>
        {
            var split = env.FromSource(new GeneratorSource<long>(10, n => n), "Numbers").Uid("numbers").Process(new SplitOdd(), "Split").Uid("split");
            split.SinkTo(new DiscardingSink<long>()).Uid("even-sink");
            split.Node.DeclareSideOutputToRead(Odd, "SideOutputLateData");
        }));

        var refused = Assert.Throws<JobConfigurationException>(() => catalog.Plan(JobId.New(), new JobSubmission(InlineJob.Name, new Dictionary<string, string>())));

        Assert.Contains("Operator 'Split' (split) sends records to side output 'odd' (SideOutputLateData)", refused.Message);
    }

    private static JobCatalog Catalog(InlineJob job) =>
        new([new JobRegistration(InlineJob.Name, _ => job)], new ServiceCollection().BuildServiceProvider(), new GrainFlow.Configuration.GrainFlowConfiguration([]));

    private sealed class InlineJob(Action<StreamExecutionEnvironment> build) : IStreamingJob
    {
        public const string Name = "inline";

        public void Build(StreamExecutionEnvironment env) => build(env);
    }
}
