using System.Globalization;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Sinks;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>
/// <see cref="EventTimeNumbers"/> → a keyed process function that holds each record back until an
/// event-time timer at the end of its second (<see cref="BucketEnd"/>) fires, then writes
/// <c>key,timer,count</c> with how many records waited for it, to a file sink. A timer fired twice
/// writes its line twice (the second with count 0); a timer lost never writes it.
/// </summary>
public sealed class EventTimeTimersJob : IStreamingJob
{
    public const string Name = "event-time-timers";
    public const string OperatorUid = "hold-until-watermark";

    public static long BucketEnd(long timestamp) => timestamp - (timestamp % 1_000) + 999;

    public void Build(StreamExecutionEnvironment env) =>
        EventTimeNumbers.KeyedNumbers(env)
            .Process(new HoldUntilWatermark(), "Hold until watermark").Uid(OperatorUid)
            .SinkTo(new FileSink<string>(env.GetParameter(EventTimeNumbers.Output)), "Results").Uid("results");

    private sealed class HoldUntilWatermark : KeyedProcessFunction<long, long, string>
    {
        private IMapState<long, long> _waiting = null!;

        public override void Open(IKeyedRuntimeContext context) =>
            _waiting = context.GetMapState(new MapStateDescriptor<long, long>("waiting"));

        public override void ProcessElement(long value, Context context, ICollector<string> output)
        {
            var timer = BucketEnd(context.Timestamp ?? throw new InvalidOperationException($"record {value} has no timestamp"));
            _waiting.TryGet(timer, out var waiting);
            _waiting.Put(timer, waiting + 1);
            context.TimerService.RegisterEventTimeTimer(timer);
        }

        public override void OnTimer(long timestampMs, OnTimerContext context, ICollector<string> output)
        {
            _waiting.TryGet(timestampMs, out var waiting);
            _waiting.Remove(timestampMs);
            output.Collect(string.Create(CultureInfo.InvariantCulture, $"{context.CurrentKey},{timestampMs},{waiting}"));
        }
    }
}
