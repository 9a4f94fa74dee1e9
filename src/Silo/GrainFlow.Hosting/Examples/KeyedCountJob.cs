using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Silo.Examples;

/// <summary>
/// <c>keyed-count</c>: counts the records per key of a deterministic generator (record n has key
/// n mod <c>keys</c>), in keyed state, and emits each key's new count.
/// </summary>
public sealed class KeyedCountJob : IStreamingJob
{
    public const string Name = "keyed-count";

    public static readonly ConfigOption<long> Records = ConfigOptions.Key("records").LongType()
        .WithCheck(n => n >= 0 ? null : "the record count must not be negative").WithDefault(100_000);

    public static readonly ConfigOption<long> Keys = ConfigOptions.Key("keys").LongType()
        .WithCheck(n => n >= 1 ? null : "there must be at least one key").WithDefault(100);

    /// <summary>False: record n has key n mod keys (keys in order, cache friendly); true: a multiplicative hash of n mod keys.</summary>
    public static readonly ConfigOption<bool> ScrambleKeys = ConfigOptions.Key("scramble-keys").BoolType().WithDefault(false);

    public static readonly ConfigOption<double> RecordsPerSecond = ConfigOptions.Key("records-per-second").DoubleType()
        .WithCheck(n => n >= 0 ? null : "the rate must not be negative").WithDefault(0);

    public void Build(StreamExecutionEnvironment env)
    {
        var records = env.GetParameter(Records);
        var keys = env.GetParameter(Keys);
        var scramble = env.GetParameter(ScrambleKeys);
        env.FromSource(new GeneratorSource<long>(records, n => n, splits: 8, recordsPerSecond: env.GetParameter(RecordsPerSecond)), "Generator").Uid("generator")
            .KeyBy(n => KeyOf(n, keys, scramble))
            .Process(new CountPerKey(), "Count per key").Uid("count")
            .SinkTo(ExampleSinks.Create<KeyCount>(env, "keyed-counts", c => c.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)), "Sink").Uid("sink");
    }

    public static long KeyOf(long n, long keys, bool scramble) =>
        scramble ? (long)(unchecked((ulong)n * 0x9E3779B97F4A7C15UL) % (ulong)keys) : n % keys;

    /// <summary>The keyed state: one counter per key.</summary>
    public sealed class CountPerKey : KeyedProcessFunction<long, long, KeyCount>
    {
        public const string StateName = "count";
        private IValueState<long> _count = null!;

        public override void Open(IKeyedRuntimeContext context) => _count = context.GetState(new ValueStateDescriptor<long>(StateName));

        public override void ProcessElement(long value, Context context, ICollector<KeyCount> output)
        {
            var count = _count.Value + 1;
            _count.Update(count);
            output.Collect(new KeyCount(context.CurrentKey, count));
        }
    }
}
