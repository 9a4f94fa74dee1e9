using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;
using GrainFlow.Silo.Examples;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>
/// <c>keyed-count</c> changed incompatibly: the same operators (uids) and state name, but the count is kept as text.
/// Restoring it from a snapshot of <c>keyed-count</c> must be refused, never read the old bytes as strings.
/// </summary>
public sealed class CountAsTextJob : IStreamingJob
{
    public const string Name = "count-as-text";

    public void Build(StreamExecutionEnvironment env)
    {
        var keys = env.GetParameter(KeyedCountJob.Keys);
        env.FromSource(new GeneratorSource<long>(env.GetParameter(KeyedCountJob.Records), n => n, splits: 8), "Generator").Uid("generator")
            .KeyBy(n => n % keys)
            .Process(new CountAsText(), "Count per key").Uid("count")
            .SinkTo(new DiscardingSink<string>(), "Sink").Uid("sink");
    }

    private sealed class CountAsText : KeyedProcessFunction<long, long, string>
    {
        private IValueState<string> _count = null!;

        public override void Open(IKeyedRuntimeContext context) =>
            _count = context.GetState(new ValueStateDescriptor<string>(KeyedCountJob.CountPerKey.StateName));

        public override void ProcessElement(long value, Context context, ICollector<string> output)
        {
            var count = long.Parse(_count.Value ?? "0", System.Globalization.CultureInfo.InvariantCulture) + 1;
            _count.Update(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            output.Collect(_count.Value!);
        }
    }
}
