using System.Globalization;
using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;
using GrainFlow.Silo.Examples;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>
/// A rate-limited generator → failure injector → a process function splitting the numbers by their
/// remainder by 3: multiples of 3 go to the main output, read over a keyBy and counted per key
/// ("main-count"); remainder 1 goes to side output "ones" as text, read by its only reader, a file sink
/// chained into the split's vertex ("ones-sink"); remainder 2 goes to side output "twos", read over a
/// keyBy and counted per key at parallelism 3 ("twos-count").
/// </summary>
public sealed class SideOutputJob : IStreamingJob
{
    public const string Name = "side-output-split";
    public const int SideCountParallelism = 3;
    public static readonly OutputTag<string> Ones = new("ones");
    public static readonly OutputTag<long> Twos = new("twos");
    public static readonly ConfigOption<long> Records = ConfigOptions.Key("records").LongType().WithDefault(12_000);
    public static readonly ConfigOption<long> Keys = ConfigOptions.Key("keys").LongType().WithDefault(20);
    public static readonly ConfigOption<double> Rate = ConfigOptions.Key("records-per-second").DoubleType().WithDefault(4_000);
    public static readonly ConfigOption<string> Plan = ConfigOptions.Key("failure-plan").StringType().WithDefault("");
    public static readonly ConfigOption<string> OnesOutput = ConfigOptions.Key("ones-output").StringType().WithDefault("");

    public void Build(StreamExecutionEnvironment env)
    {
        var keys = env.GetParameter(Keys);
        var plan = env.GetParameter(Plan);
        var split = env.FromSource(new GeneratorSource<long>(env.GetParameter(Records), n => n, splits: 4, recordsPerSecond: env.GetParameter(Rate)), "Numbers").Uid("numbers")
            .Map(n => FailurePlan.Check(plan, n), "Failure injector").Uid("injector")
            .Process(new SplitByRemainder(), "Split").Uid("split");
        split.KeyBy(n => n % keys).Process(new KeyedCountJob.CountPerKey(), "Count multiples of 3").Uid("main-count")
            .SinkTo(new DiscardingSink<KeyCount>()).Uid("main-sink");
        split.GetSideOutput(Ones).SinkTo(new FileSink<string>(env.GetParameter(OnesOutput)), "Ones").Uid("ones-sink");
        split.GetSideOutput(Twos).KeyBy(n => n % keys).Process(new KeyedCountJob.CountPerKey(), "Count twos").Uid("twos-count").Parallelism(SideCountParallelism)
            .SinkTo(new DiscardingSink<KeyCount>()).Uid("twos-sink").Parallelism(SideCountParallelism);
    }

    private sealed class SplitByRemainder : ProcessFunction<long, long>
    {
        public override void ProcessElement(long value, Context context, ICollector<long> output)
        {
            switch (value % 3)
            {
                case 0:
                    output.Collect(value);
                    break;
                case 1:
                    context.Output(Ones, value.ToString(CultureInfo.InvariantCulture));
                    break;
                default:
                    context.Output(Twos, value);
                    break;
            }
        }
    }
}
