using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Testing.Jobs;

/// <summary>A key's running summary: a user type, so snapshots write it with a codec for user types (Orleans' natively, JSON canonically).</summary>
[GenerateSerializer, Immutable, Alias("grainflow.tests.KeySummary")]
public sealed record KeySummary([property: Id(0)] long Count, [property: Id(1)] long Sum, [property: Id(2)] string Label);

/// <summary>
/// A rate-limited generator of record numbers → keyBy (n mod keys) → per key a <see cref="KeySummary"/>
/// in value state and, in map state, how many of its records fell in each residue mod 3. The final
/// state of every key is known in closed form (<see cref="Expected"/>), so a test can check that a
/// savepoint handover kept it exactly. Each key also has a processing-time timer (at
/// <see cref="DistantTimer"/>, beyond any test), so snapshots hold the internal timers state too.
/// </summary>
public sealed class KeyedSummaryJob : IStreamingJob
{
    public const string Name = "keyed-summary";
    public const string OperatorUid = "summary";
    public const string SummaryState = "summary";
    public const string ResiduesState = "residues";
    /// <summary>2100-01-01 in epoch milliseconds: the time of every key's timer, which never fires while a test runs.</summary>
    public const long DistantTimer = 4_102_444_800_000;
    public static readonly ConfigOption<long> Records = ConfigOptions.Key("records").LongType().WithDefault(6_000);
    public static readonly ConfigOption<long> Keys = ConfigOptions.Key("keys").LongType().WithDefault(24);
    public static readonly ConfigOption<double> Rate = ConfigOptions.Key("records-per-second").DoubleType().WithDefault(2_000);

    public void Build(StreamExecutionEnvironment env)
    {
        var keys = env.GetParameter(Keys);
        env.FromSource(new GeneratorSource<long>(env.GetParameter(Records), n => n, splits: 4, recordsPerSecond: env.GetParameter(Rate)), "Numbers").Uid("numbers")
            .KeyBy(n => n % keys)
            .Process(new Summarize(), "Summarize").Uid(OperatorUid)
            .SinkTo(new DiscardingSink<long>()).Uid("sink");
    }

    /// <summary>What every key's state is once all <paramref name="records"/> records were counted.</summary>
    public static Dictionary<long, (KeySummary Summary, Dictionary<int, long> Residues)> Expected(long records, long keys)
    {
        var expected = new Dictionary<long, (KeySummary, Dictionary<int, long>)>();
        for (var n = 0L; n < records; n++)
        {
            var key = n % keys;
            var (summary, residues) = expected.TryGetValue(key, out var found) ? found : (new KeySummary(0, 0, Label(key)), new Dictionary<int, long>());
            residues[(int)(n % 3)] = residues.GetValueOrDefault((int)(n % 3)) + 1;
            expected[key] = (summary with { Count = summary.Count + 1, Sum = summary.Sum + n }, residues);
        }
        return expected;
    }

    private static string Label(long key) => $"key-{key}";

    public sealed class Summarize : KeyedProcessFunction<long, long, long>
    {
        private IValueState<KeySummary> _summary = null!;
        private IMapState<int, long> _residues = null!;

        public override void Open(IKeyedRuntimeContext context)
        {
            _summary = context.GetState(new ValueStateDescriptor<KeySummary>(SummaryState));
            _residues = context.GetMapState(new MapStateDescriptor<int, long>(ResiduesState));
        }

        public override void ProcessElement(long value, Context context, ICollector<long> output)
        {
            if (!_summary.HasValue) context.TimerService.RegisterProcessingTimeTimer(DistantTimer);
            var summary = _summary.HasValue ? _summary.Value! : new KeySummary(0, 0, Label(context.CurrentKey));
            _summary.Update(summary with { Count = summary.Count + 1, Sum = summary.Sum + value });
            _residues.TryGet((int)(value % 3), out var seen);
            _residues.Put((int)(value % 3), seen + 1);
            output.Collect(value);
        }
    }
}
