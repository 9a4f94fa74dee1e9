using GrainFlow.Configuration;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Sources;
using GrainFlow.Runtime.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainFlow.Runtime.Tests.Jobs;

/// <summary>A vertex's operators wired to their main and side outputs inside one subtask.</summary>
[Trait("Category", "Unit")]
public sealed class OperatorChainTests
{
    private static readonly OutputTag<string> Odd = SplitOdd.Odd;

    /// <summary>Records what reaches it, with the timestamp it came with.</summary>
    private sealed class Recorder<T>(List<(T Value, long? Timestamp)> seen) : ProcessFunction<T, T>
    {
        public override void ProcessElement(T value, Context context, ICollector<T> output) => seen.Add((value, context.Timestamp));
    }

    /// <summary>Instantiates and opens the chain of the job's last vertex (one without outgoing edges).</summary>
    private static OperatorChain Deploy(StreamExecutionEnvironment env, RecordTimestamp timestamp)
    {
        var graph = JobGraph.Build(env);
        var vertex = graph.Vertices[^1];
        var chain = OperatorChain.Create(vertex, 0, 16, graph.MaxParallelism, timestamp, edge => throw new InvalidOperationException($"no edge expected, got {edge}"));
        Assert.Null(chain.Network);
        var services = new ServiceCollection().BuildServiceProvider();
        foreach (var op in chain.Operators.Where(o => o is not SourceDriver))
        {
            op.Open(new OperatorContext(JobId.New(), "side-outputs", 1, vertex.Uid, 0, 1, graph.MaxParallelism, new GrainFlowConfiguration([]), services,
                TimeProvider.System, NullLogger.Instance) { Timestamp = timestamp, SideOutputs = chain.SideOutputsOf(op) });
        }
        return chain;
    }

    [Fact]
    public void ASideOutputGoesStraightToItsChainedReaderWithTheRecordsTimestampWhileTheMainOutputGoesToItsOwn()
    {
        var env = JobGraphTests.Env();
        var main = new List<(long, long?)>();
        var odd = new List<(string, long?)>();
        var split = env.FromSource(new GeneratorSource<long>(4, n => n), "Numbers").Uid("numbers").Process(new SplitOdd(), "Split").Uid("split");
        split.Process(new Recorder<long>(main)).Uid("main-reader");
        split.GetSideOutput(Odd).Process(new Recorder<string>(odd)).Uid("odd-reader");
        var timestamp = new RecordTimestamp();
        var chain = Deploy(env, timestamp);

        Assert.Equal(["numbers", "split", "main-reader", "odd-reader"], chain.Operators.Select(o => o.Uid));
        var head = (ICollector<long>)chain.Operators[1];
        for (var n = 0L; n < 4; n++)
        {
            timestamp.Current = 1_000 + n;
            head.Collect(n);
        }

        Assert.Equal([(0L, 1_000L), (2L, 1_002L)], main.Select(m => (m.Item1, m.Item2!.Value)));
        Assert.Equal([("odd 1", 1_001L), ("odd 3", 1_003L)], odd.Select(o => (o.Item1, o.Item2!.Value)));
    }

    [Fact]
    public void RecordsOfASideOutputNobodyReadsAreDropped()
    {
        var env = JobGraphTests.Env();
        var main = new List<(long, long?)>();
        env.FromSource(new GeneratorSource<long>(4, n => n), "Numbers").Uid("numbers").Process(new SplitOdd(), "Split").Uid("split")
            .Process(new Recorder<long>(main)).Uid("main-reader");
        var chain = Deploy(env, new RecordTimestamp());

        var head = (ICollector<long>)chain.Operators[1];
        for (var n = 0L; n < 4; n++) head.Collect(n);

        Assert.Equal([0L, 2L], main.Select(m => m.Item1));
    }

    [Fact]
    public void EmittingToARequestedSideOutputIdWithAnotherElementTypeFailsTheJobForGood()
    {
        var env = JobGraphTests.Env();
        var split = env.FromSource(new GeneratorSource<long>(4, n => n), "Numbers").Uid("numbers").Process(new SplitOdd(), "Split").Uid("split");
        split.GetSideOutput(new OutputTag<long>("odd")).Process(new Recorder<long>([])).Uid("odd-reader");
        var chain = Deploy(env, new RecordTimestamp());

        var error = Assert.Throws<NonRecoverableJobException>(() => ((ICollector<long>)chain.Operators[1]).Collect(1));

        Assert.Contains("Operator 'Split' emits to OutputTag<String>(\"odd\")", error.Message);
        Assert.Contains("as OutputTag<Int64>(\"odd\")", error.Message);
    }

    [Fact]
    public void AKeyedProcessFunctionEmitsToASideOutputThroughItsContext()
    {
        var env = JobGraphTests.Env();
        var odd = new List<(string, long?)>();
        var split = env.FromSource(new GeneratorSource<long>(4, n => n), "Numbers").Uid("numbers")
            .KeyBy(n => n % 2).Process(new KeyedSplitOdd(), "Keyed split").Uid("keyed-split");
        split.GetSideOutput(Odd).Process(new Recorder<string>(odd)).Uid("odd-reader");
        var chain = Deploy(env, new RecordTimestamp());

        Assert.Equal(["keyed-split", "odd-reader"], chain.Operators.Select(o => o.Uid));
        var head = (ICollector<long>)chain.Operators[0];
        for (var n = 0L; n < 4; n++) head.Collect(n);

        Assert.Equal(["odd 1 (key 1)", "odd 3 (key 1)"], odd.Select(o => o.Item1));
    }

    private sealed class KeyedSplitOdd : KeyedProcessFunction<long, long, long>
    {
        public override void ProcessElement(long value, Context context, ICollector<long> output)
        {
            if (value % 2 == 0) output.Collect(value);
            else context.Output(Odd, $"odd {value} (key {context.CurrentKey})");
        }
    }
}
