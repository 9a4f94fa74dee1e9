using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Bench.LargeState;

/// <summary>
/// <c>bench-large-state</c>: emits each key once, stores a value of <c>value-bytes</c> bytes per key in
/// keyed state, then idles (the job keeps running, so checkpoints go on with a state that no longer
/// changes) — or, with <c>churn-per-second</c>, goes on rewriting that many random keys per second (the state's
/// size stays; what changed between two checkpoints is what an incremental checkpoint uploads). The benchmark
/// fails it on purpose through <see cref="RequestFailure"/> to measure restores.
/// </summary>
internal sealed class LargeStateJob : IStreamingJob
{
    public const string Name = "bench-large-state";
    public const string StateName = "payload";

    public static readonly ConfigOption<long> Keys = ConfigOptions.Key("keys").LongType().WithDefault(1000);
    public static readonly ConfigOption<long> ValueBytes = ConfigOptions.Key("value-bytes").LongType().WithDefault(1000);
    public static readonly ConfigOption<long> ChurnPerSecond = ConfigOptions.Key("churn-per-second").LongType().WithDefault(0);

    /// <summary>
    /// <c>bytes</c>: a <c>byte[]</c> per key (a built-in codec, the same bytes in every format);
    /// <c>record</c>: a <see cref="Readings"/> record of as many <c>long</c>s, a user type that canonical
    /// savepoints write as JSON and native ones with Orleans' serializer.
    /// </summary>
    public static readonly ConfigOption<string> ValueType = ConfigOptions.Key("value-type").StringType().WithDefault("bytes");

    private static int _failureRequested;

    /// <summary>Makes the next poll of a source subtask (in this process) throw, once.</summary>
    public static void RequestFailure() => Interlocked.Exchange(ref _failureRequested, 1);

    public void Build(StreamExecutionEnvironment env)
    {
        var valueBytes = (int)env.GetParameter(ValueBytes);
        var keyed = env.FromSource(new KeysOnceSource(env.GetParameter(Keys), env.GetParameter(ChurnPerSecond)), "Keys").Uid("keys").KeyBy(k => k);
        var stored = env.GetParameter(ValueType) switch
        {
            "bytes" => keyed.Process(new StorePayload(valueBytes), "Store payload"),
            "record" => keyed.Process(new StoreReadings(valueBytes / sizeof(long)), "Store payload"),
            var other => throw new ArgumentException($"value-type '{other}' is not 'bytes' or 'record'."),
        };
        stored.Uid("store").SinkTo(new DiscardingSink<long>()).Uid("sink");
    }

    /// <summary>
    /// One split per subtask with the keys i, i + p, …; after the last key it has nothing more but the churn (random keys of
    /// its split, not replayed exactly after a failure: the benchmark measures sizes and times, not results), and never ends.
    /// </summary>
    private sealed class KeysOnceSource(long keys, long churnPerSecond) : ISource<long>
    {
        public ISourceReader<long> CreateReader(SubtaskInfo subtask) => new Reader(keys, churnPerSecond / subtask.Parallelism, subtask);

        private sealed class Reader(long keys, long churnPerSecond, SubtaskInfo subtask) : ISourceReader<long>
        {
            private readonly string _split = $"keys-{subtask.SubtaskIndex}";
            private readonly Random _random = new(subtask.SubtaskIndex);
            private long _next;
            private long _churned;
            private long _churnStarted;

            public IReadOnlyDictionary<string, long> CurrentOffsets => new Dictionary<string, long> { [_split] = _next };

            public void SeekTo(IReadOnlyDictionary<string, long> offsets) => _next = offsets.GetValueOrDefault(_split);

            public ValueTask<SourcePollStatus> PollAsync(IReaderOutput<long> output, int maxRecords, CancellationToken cancellationToken)
            {
                if (Interlocked.Exchange(ref _failureRequested, 0) == 1) throw new InvalidOperationException("Failure requested by the benchmark.");
                var emitted = 0;
                for (var key = subtask.SubtaskIndex + (_next * subtask.Parallelism); key < keys && emitted < maxRecords; key += subtask.Parallelism)
                {
                    output.Collect(key);
                    _next++;
                    emitted++;
                }
                if (emitted == 0 && churnPerSecond > 0) emitted = Churn(output, maxRecords);
                return ValueTask.FromResult(emitted > 0 ? SourcePollStatus.MoreAvailable : SourcePollStatus.NothingAvailable);
            }

            private int Churn(IReaderOutput<long> output, int maxRecords)
            {
                if (_churnStarted == 0) _churnStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                var due = (long)(System.Diagnostics.Stopwatch.GetElapsedTime(_churnStarted).TotalSeconds * churnPerSecond) - _churned;
                var emitted = (int)Math.Clamp(due, 0, maxRecords);
                var keysOfSplit = Math.Max(1, (keys - subtask.SubtaskIndex + subtask.Parallelism - 1) / subtask.Parallelism);
                for (var i = 0; i < emitted; i++) output.Collect(subtask.SubtaskIndex + (_random.NextInt64(keysOfSplit) * subtask.Parallelism));
                _churned += emitted;
                return emitted;
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    private sealed class StoreReadings(int count) : KeyedProcessFunction<long, long, long>
    {
        private IValueState<Readings> _payload = null!;

        public override void Open(IKeyedRuntimeContext context) => _payload = context.GetState(new ValueStateDescriptor<Readings>(StateName));

        public override void ProcessElement(long value, Context context, ICollector<long> output)
        {
            var random = new Random(unchecked((int)value));
            var readings = new long[count];
            for (var i = 0; i < count; i++) readings[i] = random.NextInt64(0, 1L << 40);
            _payload.Update(new Readings(value, $"sensor-{value}", readings));
        }
    }

    private sealed class StorePayload(int valueBytes) : KeyedProcessFunction<long, long, long>
    {
        private IValueState<byte[]> _payload = null!;

        public override void Open(IKeyedRuntimeContext context) => _payload = context.GetState(new ValueStateDescriptor<byte[]>(StateName));

        public override void ProcessElement(long value, Context context, ICollector<long> output)
        {
            var payload = new byte[valueBytes];
            // Not all zeros, so nothing on the way (a compressing store) makes it artificially cheap.
            new Random(unchecked((int)value)).NextBytes(payload);
            _payload.Update(payload);
        }
    }
}

/// <summary>The benchmark's user-type state value: an id, a name and numbers (40-bit, as counters or timestamps are).</summary>
[GenerateSerializer, Alias("grainflow.bench.Readings")]
public sealed record Readings([property: Id(0)] long Id, [property: Id(1)] string Name, [property: Id(2)] long[] Values);
