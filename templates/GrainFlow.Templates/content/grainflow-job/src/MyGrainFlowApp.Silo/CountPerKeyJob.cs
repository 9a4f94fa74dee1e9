using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;

namespace MyGrainFlowApp;

/// <summary>
/// <c>count-per-key</c>: record n of a generator has key n mod <c>keys</c>; the job counts the records of each key in
/// keyed state (checkpointed, restored after a failure, redistributed on a rescale) and writes every new count as a
/// JSON line to <c>output</c>, exactly once. Replace the source, the function and the sink with your own.
/// </summary>
public sealed class CountPerKeyJob : IStreamingJob
{
    public const string Name = "count-per-key";

    // Job parameters: grainflow run count-per-key -D records=1000000 -D keys=10 -D output=/data/counts
    public static readonly ConfigOption<long> Records = ConfigOptions.Key("records").LongType()
        .WithCheck(n => n >= 0 ? null : "the record count must not be negative").WithDefault(100_000);

    public static readonly ConfigOption<long> Keys = ConfigOptions.Key("keys").LongType()
        .WithCheck(n => n >= 1 ? null : "there must be at least one key").WithDefault(10);

    public static readonly ConfigOption<string> Output = ConfigOptions.Key("output").StringType()
        .WithDescription("Directory of the output's part files; by default .grainflow/output/<job id>.");

    public void Build(StreamExecutionEnvironment env)
    {
        var keys = env.GetParameter(Keys);
        var output = env.Configuration.GetOptionalString(Output) ?? Path.Combine(".grainflow", "output", env.JobId);
        // Uids name the operators in checkpoints and savepoints: keep them when you change the job.
        env.FromSource(new GeneratorSource<long>(env.GetParameter(Records), n => n), "Generator").Uid("generator")
            .KeyBy(n => n % keys)
            .Process(new CountPerKey(), "Count per key").Uid("count")
            .SinkTo(new FileSink<KeyCount>(Path.GetFullPath(output)), "Sink").Uid("sink");
    }

    /// <summary>One counter per key in keyed value state.</summary>
    public sealed class CountPerKey : KeyedProcessFunction<long, long, KeyCount>
    {
        private IValueState<long> _count = null!;

        public override void Open(IKeyedRuntimeContext context) => _count = context.GetState(new ValueStateDescriptor<long>("count"));

        public override void ProcessElement(long value, Context context, ICollector<KeyCount> output)
        {
            var count = _count.Value + 1;
            _count.Update(count);
            output.Collect(new KeyCount(context.CurrentKey, count));
        }
    }
}
