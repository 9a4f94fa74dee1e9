using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>
/// Per key, the first record registers a processing-time timer 100 ms ahead (later records register
/// the same timer again, which must be deduplicated); when it fires, the key's count so far is emitted.
/// </summary>
public sealed class TimerJob : IStreamingJob
{
    public const string Name = "timers";
    public static readonly ConfigOption<string> Output = ConfigOptions.Key("output").StringType();

    public void Build(StreamExecutionEnvironment env)
    {
        env.FromSource(new GeneratorSource<long>(long.MaxValue, n => n, recordsPerSecond: 500), "Endless").Uid("endless")
            .KeyBy(n => n % 5)
            .Process(new FireOnce(), "Fire once").Uid("fire")
            .SinkTo(new FileSink<string>(env.GetParameter(Output))).Uid("sink");
    }

    public sealed class FireOnce : KeyedProcessFunction<long, long, string>
    {
        private IValueState<long> _timer = null!;
        private IValueState<long> _count = null!;

        public override void Open(IKeyedRuntimeContext context)
        {
            _timer = context.GetState(new ValueStateDescriptor<long>("timer"));
            _count = context.GetState(new ValueStateDescriptor<long>("count"));
        }

        private const long Fired = long.MaxValue;

        public override void ProcessElement(long value, Context context, ICollector<string> output)
        {
            _count.Update(_count.Value + 1);
            if (!_timer.HasValue) _timer.Update(context.TimerService.CurrentProcessingTime + 100);
            // Registering the pending timer again must not make it fire twice.
            if (_timer.Value != Fired) context.TimerService.RegisterProcessingTimeTimer(_timer.Value);
        }

        public override void OnTimer(long timestampMs, OnTimerContext context, ICollector<string> output)
        {
            output.Collect($"key {context.CurrentKey} fired at {timestampMs} after {_count.Value} records");
            _timer.Update(Fired);
        }
    }
}
