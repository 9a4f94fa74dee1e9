using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Tests.TestJobs;

[GenerateSerializer, Immutable, Alias("grainflow.tests.SeqRecord")]
public readonly record struct SeqRecord([property: Id(0)] long Stream, [property: Id(1)] long Sequence);

/// <summary>
/// Eight streams of consecutive sequence numbers (one per generator split) cross a keyed shuffle;
/// the keyed function fails the job on the first record that is out of order, duplicated or missing.
/// </summary>
public sealed class SequenceCheckJob : IStreamingJob
{
    public const string Name = "sequence-check";
    public static readonly ConfigOption<long> Records = ConfigOptions.Key("records").LongType().WithDefault(50_000);
    public static readonly ConfigOption<int> SourceParallelism = ConfigOptions.Key("source-parallelism").IntType().WithDefault(2);
    public static readonly ConfigOption<int> CheckParallelism = ConfigOptions.Key("check-parallelism").IntType().WithDefault(3);

    public void Build(StreamExecutionEnvironment env)
    {
        env.FromSource(new GeneratorSource<SeqRecord>(env.GetParameter(Records), n => new SeqRecord(n % 8, n / 8), splits: 8), "Sequences")
            .Uid("sequences").Parallelism(env.GetParameter(SourceParallelism))
            .KeyBy(r => r.Stream)
            .Process(new SequenceChecker(), "Check order").Uid("check").Parallelism(env.GetParameter(CheckParallelism))
            .SinkTo(new DiscardingSink<long>()).Uid("sink");
    }

    public sealed class SequenceChecker : KeyedProcessFunction<long, SeqRecord, long>
    {
        public const string StateName = "last";
        private IValueState<long> _last = null!;

        public override void Open(IKeyedRuntimeContext context) => _last = context.GetState(new ValueStateDescriptor<long>(StateName));

        public override void ProcessElement(SeqRecord value, Context context, ICollector<long> output)
        {
            var expected = _last.HasValue ? _last.Value + 1 : 0;
            if (value.Sequence != expected)
            {
                throw new InvalidOperationException($"Stream {value.Stream}: got sequence {value.Sequence}, expected {expected}.");
            }
            _last.Update(value.Sequence);
            output.Collect(value.Sequence);
        }
    }
}
