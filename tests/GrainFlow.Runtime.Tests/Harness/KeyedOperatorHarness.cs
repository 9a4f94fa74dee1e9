using GrainFlow.Jobs;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.State;
using GrainFlow.Runtime.Tasks;
using GrainFlow.Runtime.Tests.State;
using GrainFlow.Savepoints;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;

namespace GrainFlow.Runtime.Tests.Harness;

/// <summary>Harnesses for the keyed operators the public API builds (Flink's KeyedOneInputStreamOperatorTestHarness).</summary>
internal static class KeyedOperatorHarness
{
    internal static KeyedOperatorHarness<TKey, TIn, TOut> ForProcessFunction<TKey, TIn, TOut>(
        Func<TIn, TKey> keySelector, KeyedProcessFunction<TKey, TIn, TOut> function, HarnessSetup? setup = null) where TKey : notnull =>
        new(output => new KeyedProcessOperator<TKey, TIn, TOut>("process", "Process", keySelector, function, output), setup ?? new HarnessSetup());

    internal static KeyedOperatorHarness<TKey, TIn, TOut> ForAggregate<TKey, TIn, TAcc, TOut>(
        Func<TIn, TKey> keySelector, IAggregateFunction<TIn, TAcc, TOut> function, HarnessSetup? setup = null) where TKey : notnull =>
        new(output => new AggregateOperator<TKey, TIn, TAcc, TOut>("aggregate", "Aggregate", keySelector, function, output), setup ?? new HarnessSetup());

    internal static KeyedOperatorHarness<TKey, T, T> ForReduce<TKey, T>(Func<T, TKey> keySelector, Func<T, T, T> reduce, HarnessSetup? setup = null) where TKey : notnull =>
        new(output => new ReduceOperator<TKey, T>("reduce", "Reduce", keySelector, reduce, output), setup ?? new HarnessSetup());
}

/// <summary>
/// Runs one keyed operator without a cluster: elements with timestamps, a manual processing-time
/// clock, manual watermarks, the output with timestamps, and snapshots through the real keyed-state
/// writer that a new harness restores at any subtask and parallelism.
/// </summary>
internal sealed class KeyedOperatorHarness<TKey, TIn, TOut> : IDisposable where TKey : notnull
{
    private static readonly StateCodecs Codecs = new(new ServiceCollection().AddSerializer().BuildServiceProvider());

    private readonly KeyedOperatorBase<TKey, TIn> _operator;
    private readonly OperatorContext _context;
    private readonly HarnessSetup _setup;
    private readonly List<TimestampedValue<TOut>> _output = new();

    internal KeyedOperatorHarness(Func<ICollector<TOut>, KeyedOperatorBase<TKey, TIn>> create, HarnessSetup setup)
    {
        _setup = setup;
        _operator = create(new OutputCollector(this));
        var restored = (setup.RestoreFrom ?? []).Select(s => new RestoredKeyedState(s.Data, s.KeyGroupOffsets, Codecs)).ToList();
        _context = new OperatorContext(JobId.New(), "harness", 1, _operator.Uid, setup.SubtaskIndex, setup.Parallelism, setup.MaxParallelism,
            (setup.Settings ?? new Dictionary<string, string>()).Aggregate(StateBackendsUnderTest.Configuration(setup.Backend), (c, s) => c.With(s.Key, s.Value)),
            StateBackendsUnderTest.Services, Time, NullLogger.Instance,
            setup.Restore ?? new OperatorRestore(restored, new Dictionary<string, long>(), [], [setup.SubtaskIndex]))
        {
            SideOutputs = setup.SideOutputs ?? SideOutputCollectors.None,
        };
        Lifecycle.Open(_operator, _context);
    }

    /// <summary>The operator's processing time; <see cref="SetProcessingTime"/> moves it.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UnixEpoch);

    public KeyGroupRange KeyGroups => _context.KeyGroups;

    /// <summary>Everything the operator emitted so far, in order.</summary>
    public IReadOnlyList<TimestampedValue<TOut>> Output => _output;

    public IEnumerable<TOut> OutputValues => _output.Select(o => o.Value);

    /// <summary>Processes <paramref name="value"/>, carrying <paramref name="timestamp"/> (none when null).</summary>
    public void ProcessElement(TIn value, long? timestamp = null)
    {
        _context.Timestamp.Current = timestamp ?? RecordTimestamp.None;
        Lifecycle.ProcessElement(_operator, value);
    }

    public void ProcessWatermark(long watermark) => Lifecycle.ProcessWatermark(_operator, watermark);

    /// <summary>Sets the clock to <paramref name="epochMs"/> (never backwards) and fires the processing-time timers due.</summary>
    public void SetProcessingTime(long epochMs)
    {
        Time.AdjustTime(DateTimeOffset.FromUnixTimeMilliseconds(epochMs));
        Lifecycle.OnProcessingTime(_operator, epochMs);
    }

    public void ClearOutput() => _output.Clear();

    /// <summary>The operator's keyed state as a checkpoint (or a savepoint in <see cref="HarnessSetup.Format"/>) writes it.</summary>
    public HarnessSnapshot Snapshot()
    {
        var (data, offsets) = KeyedStateFormat.Write(Lifecycle.Capture(_operator), KeyGroups, Codecs.In(_setup.Format));
        return new HarnessSnapshot(data, offsets);
    }

    /// <summary>
    /// The task side of checkpoints of a subtask whose chain is this operator alone, writing to <paramref name="storage"/> and
    /// answering <paramref name="responder"/>: checkpoints and savepoints (incremental, native) exactly as a running subtask takes them.
    /// </summary>
    internal SubtaskCheckpointCoordinator Checkpointing(CheckpointStorage storage, ICheckpointResponder responder) =>
        new(new TaskDeployment(_context.JobId, _context.JobName, _context.Attempt, _context.Configuration, _setup.Parallelism, _operator.Uid, _setup.SubtaskIndex),
            Lifecycle.Chain(_operator), storage, Codecs, inlineThreshold: 0, responder, TimeProvider.System, NullLogger.Instance, CancellationToken.None);

    /// <summary>The job the harness's operator runs in (its checkpoints' directories are named after it).</summary>
    public JobId JobId => _context.JobId;

    /// <summary>The operator's keyed state backend (RocksDB's tests take native checkpoints of it).</summary>
    internal IKeyedStateBackend<TKey> Backend => Lifecycle.Backend(_operator);

    /// <summary>The operator's state tables, for assertions on what it keeps.</summary>
    public IReadOnlyCollection<IStateTable> StateTables => _operator.StateTables;

    /// <summary>Lets go of the operator's backend (a RocksDB instance and its working directory).</summary>
    public void Dispose() => Lifecycle.Release(_operator);

    private sealed class OutputCollector(KeyedOperatorHarness<TKey, TIn, TOut> harness) : ICollector<TOut>
    {
        public void Collect(TOut record)
        {
            var timestamp = harness._context.Timestamp;
            harness._output.Add(new TimestampedValue<TOut>(record, timestamp.HasTimestamp ? timestamp.Current : null));
        }
    }

    /// <summary>
    /// The only place the harness touches the operator lifecycle (IStreamOperator / IKeyedOperator
    /// hooks): when the hooks change, this is what adapts.
    /// </summary>
    private static class Lifecycle
    {
        public static void Open(KeyedOperatorBase<TKey, TIn> op, OperatorContext context) => op.Open(context);

        public static void ProcessElement(KeyedOperatorBase<TKey, TIn> op, TIn value) => op.Collect(value);

        public static void ProcessWatermark(KeyedOperatorBase<TKey, TIn> op, long watermark) => op.ProcessWatermark(watermark);

        public static void OnProcessingTime(KeyedOperatorBase<TKey, TIn> op, long now) => op.OnProcessingTime(now);

        public static void Release(KeyedOperatorBase<TKey, TIn> op) => op.Dispose();

        // A canonical savepoint's barrier asks every backend for its tables (never RocksDB's files), whatever the job's settings;
        // the harness writes them in its own format.
        public static IReadOnlyList<IStateTableSnapshot> Capture(KeyedOperatorBase<TKey, TIn> op) =>
            op.SnapshotState(new CheckpointBarrier(0, 0, IsSavepoint: true, new SnapshotTarget("harness", SavepointFormatType.Canonical))).Captured.Tables;

        public static OperatorChain Chain(KeyedOperatorBase<TKey, TIn> op) => new([op], null, null);

        public static IKeyedStateBackend<TKey> Backend(KeyedOperatorBase<TKey, TIn> op) => op.Backend;
    }
}
