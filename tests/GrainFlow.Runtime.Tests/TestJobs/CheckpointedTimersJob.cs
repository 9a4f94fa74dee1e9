using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>
/// A rate-limited endless generator → failure injector → keyBy → a process function that counts
/// each of the first <see cref="Records"/> records only when a processing-time timer fires for it:
/// every record registers a timer <see cref="TimerDelay"/> ahead and waits in the key's "pending"
/// map under that time; when the timer fires, its records move to the key's "fired" count. So the
/// final "fired" per key is the number of records of that key exactly when every timer fired exactly
/// once: a timer lost in a restore leaves its records pending, a timer fired twice finds nothing
/// pending and counts in "unexpected". The source never ends, because a subtask reaching the end of
/// its input drops the timers still pending (as Flink does); the test cancels the job.
/// </summary>
public sealed class CheckpointedTimersJob : IStreamingJob
{
    public const string Name = "checkpointed-timers";
    public const string OperatorUid = "timers";
    public static readonly ConfigOption<long> Records = ConfigOptions.Key("records").LongType().WithDefault(10_000);
    public static readonly ConfigOption<long> Keys = ConfigOptions.Key("keys").LongType().WithDefault(20);
    public static readonly ConfigOption<long> TimerDelay = ConfigOptions.Key("timer-delay-ms").LongType().WithDefault(1_000);
    public static readonly ConfigOption<double> Rate = ConfigOptions.Key("records-per-second").DoubleType().WithDefault(1_000);
    public static readonly ConfigOption<string> Plan = ConfigOptions.Key("failure-plan").StringType().WithDefault("");

    /// <summary>The failure-plan entry that fails the <paramref name="firing"/>-th timer firing (1-based) of <paramref name="key"/>; negative, so it is never a record number.</summary>
    public static long TimerFiring(long key, long firing) => -1 - (firing * 1_000_000 + key);

    public void Build(StreamExecutionEnvironment env)
    {
        var keys = env.GetParameter(Keys);
        var plan = env.GetParameter(Plan);
        env.FromSource(new GeneratorSource<long>(long.MaxValue, n => n, splits: 4, recordsPerSecond: env.GetParameter(Rate)), "Numbers").Uid("numbers")
            .Map(n => FailurePlan.Check(plan, n), "Failure injector").Uid("injector")
            .KeyBy(n => n % keys)
            .Process(new CountWhenTimersFire(env.GetParameter(Records), env.GetParameter(TimerDelay), plan), "Count when timers fire").Uid(OperatorUid)
            .SinkTo(new DiscardingSink<long>()).Uid("sink");
    }

    public sealed class CountWhenTimersFire(long records, long delayMs, string plan) : KeyedProcessFunction<long, long, long>
    {
        public const string Pending = "pending";
        public const string Fired = "fired";
        public const string Firings = "firings";
        public const string Unexpected = "unexpected";
        public const string RestoredFirings = "restored-firings";

        private IMapState<long, long> _pending = null!;
        private IMapState<long, long> _registeredBy = null!;
        private IValueState<long> _fired = null!;
        private IValueState<long> _firings = null!;
        private IValueState<long> _unexpected = null!;
        private IValueState<long> _restoredFirings = null!;
        // Tells the timers this instance registered from those that came back with restored state.
        private long _incarnation;

        public override void Open(IKeyedRuntimeContext context)
        {
            _pending = context.GetMapState(new MapStateDescriptor<long, long>(Pending));
            _registeredBy = context.GetMapState(new MapStateDescriptor<long, long>("registered-by"));
            _fired = context.GetState(new ValueStateDescriptor<long>(Fired));
            _firings = context.GetState(new ValueStateDescriptor<long>(Firings));
            _unexpected = context.GetState(new ValueStateDescriptor<long>(Unexpected));
            _restoredFirings = context.GetState(new ValueStateDescriptor<long>(RestoredFirings));
            _incarnation = Random.Shared.NextInt64(1, long.MaxValue);
        }

        public override void ProcessElement(long value, Context context, ICollector<long> output)
        {
            if (value >= records) return;
            var time = context.TimerService.CurrentProcessingTime + delayMs;
            _pending.TryGet(time, out var waiting);
            _pending.Put(time, waiting + 1);
            _registeredBy.Put(time, _incarnation);
            context.TimerService.RegisterProcessingTimeTimer(time);
        }

        public override void OnTimer(long timestampMs, OnTimerContext context, ICollector<long> output)
        {
            var firing = _firings.Value + 1;
            FailurePlan.Check(plan, TimerFiring(context.CurrentKey, firing));
            _firings.Update(firing);
            if (!_pending.TryGet(timestampMs, out var waiting))
            {
                _unexpected.Update(_unexpected.Value + 1);
                return;
            }
            if (_registeredBy.TryGet(timestampMs, out var incarnation) && incarnation != _incarnation) _restoredFirings.Update(_restoredFirings.Value + 1);
            _pending.Remove(timestampMs);
            _registeredBy.Remove(timestampMs);
            _fired.Update(_fired.Value + waiting);
            output.Collect(waiting);
        }
    }
}
