using System.Collections.Concurrent;
using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>
/// A rate-limited generator of sequence numbers → failure injector → keyBy → a ledger per key (how
/// many records the key counted, and how often each sequence number was counted) → a sink that
/// writes every record straight to an output ledger, as a plain non-transactional sink would.
/// Compared with the failure-free answer (every number exactly once), the two ledgers tell
/// precisely which records a recovery lost and which it counted or wrote twice.
/// </summary>
public sealed class SequenceLedgerJob : IStreamingJob
{
    public const string Name = "sequence-ledger";
    public const string OperatorUid = "ledger";
    public const int Splits = 4;
    public static readonly ConfigOption<long> Records = ConfigOptions.Key("records").LongType().WithDefault(16_000);
    public static readonly ConfigOption<long> Keys = ConfigOptions.Key("keys").LongType().WithDefault(20);
    public static readonly ConfigOption<double> Rate = ConfigOptions.Key("records-per-second").DoubleType().WithDefault(2_000);
    public static readonly ConfigOption<string> Plan = ConfigOptions.Key("failure-plan").StringType().WithDefault("");
    public static readonly ConfigOption<string> Output = ConfigOptions.Key("output-ledger").StringType().WithDefault("");

    /// <summary>
    /// Every 50th record of split 1 holds up its source subtask this long (a slow poll): a checkpoint
    /// trigger arriving meanwhile waits, so that subtask's barrier reaches the ledger later than the
    /// other one's, as with a slow or loaded producer.
    /// </summary>
    public static readonly ConfigOption<int> StallMs = ConfigOptions.Key("stall-ms").IntType().WithDefault(0);

    public void Build(StreamExecutionEnvironment env)
    {
        var keys = env.GetParameter(Keys);
        var plan = env.GetParameter(Plan);
        var stall = env.GetParameter(StallMs);
        env.FromSource(new GeneratorSource<long>(env.GetParameter(Records), n => n, Splits, env.GetParameter(Rate)), "Sequence").Uid("sequence")
            .Map(n =>
            {
                if (stall > 0 && n % Splits == 1 && n / Splits % 50 == 0) Thread.Sleep(stall);
                return FailurePlan.Check(plan, n);
            }, "Failure injector").Uid("injector")
            .KeyBy(n => n % keys)
            .Process(new LedgerPerKey(), "Ledger").Uid(OperatorUid)
            .SinkTo(new OutputLedgerSink(env.GetParameter(Output)), "Output ledger").Uid("sink");
    }

    public sealed class LedgerPerKey : KeyedProcessFunction<long, long, long>
    {
        public const string Count = "count";
        public const string Occurrences = "occurrences";

        private IValueState<long> _count = null!;
        private IMapState<long, long> _occurrences = null!;

        public override void Open(IKeyedRuntimeContext context)
        {
            _count = context.GetState(new ValueStateDescriptor<long>(Count));
            _occurrences = context.GetMapState(new MapStateDescriptor<long, long>(Occurrences));
        }

        public override void ProcessElement(long value, Context context, ICollector<long> output)
        {
            _count.Update(_count.Value + 1);
            _occurrences.TryGet(value, out var seen);
            _occurrences.Put(value, seen + 1);
            output.Collect(value);
        }
    }

    private sealed class OutputLedgerSink(string ledger) : ISink<long>
    {
        public ISinkWriter<long> CreateWriter(SubtaskInfo subtask) => new Writer(OutputLedger.Get(ledger));

        private sealed class Writer(ConcurrentDictionary<long, int> ledger) : ISinkWriter<long>
        {
            public void Write(long record) => ledger.AddOrUpdate(record, 1, (_, seen) => seen + 1);

            public ValueTask FlushAsync(FlushReason reason, CancellationToken cancellationToken) => ValueTask.CompletedTask;

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}

/// <summary>What the sinks of a job wrote, per record, across all its attempts (shared by the in-process silos of a test cluster).</summary>
public static class OutputLedger
{
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<long, int>> Ledgers = new();

    public static string Create()
    {
        var id = Guid.NewGuid().ToString("N");
        Ledgers[id] = new ConcurrentDictionary<long, int>();
        return id;
    }

    public static ConcurrentDictionary<long, int> Get(string id) => Ledgers.TryGetValue(id, out var ledger)
        ? ledger
        : throw new InvalidOperationException($"No output ledger '{id}': create one with OutputLedger.Create() and pass it as 'output-ledger'.");
}
