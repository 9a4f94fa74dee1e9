using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Channels;

namespace GrainFlow.Runtime.Operators;

/// <summary>
/// Gives each record its timestamp and makes the stream's watermarks mid-stream
/// (<c>AssignTimestampsAndWatermarks</c>, Flink's <c>TimestampsAndWatermarksOperator</c>). Watermarks
/// and statuses from upstream are swallowed (this operator defines event time from here on), except the
/// end-of-time watermark <see cref="long.MaxValue"/>, which is passed on so that the end of input still
/// fires everything downstream.
/// </summary>
internal sealed class TimestampsAndWatermarksOperator<T>(string uid, string name, WatermarkStrategy<T> strategy, ICollector<T> output)
    : OperatorBase<T>(uid, name), IWatermarkEmitter
{
    private readonly WatermarkEventBuffer _events = new();
    private IWatermarkGenerator<T> _generator = null!;
    private RecordTimestamp _timestamp = null!;

    public override void Open(OperatorContext context)
    {
        base.Open(context);
        _timestamp = context.Timestamp;
        _generator = strategy.CreateWatermarkGenerator(context.Time);
    }

    public override void Collect(T record)
    {
        var timestamp = strategy.ExtractTimestamp(record, _timestamp.Current, Name);
        _timestamp.Current = timestamp;
        output.Collect(record);
        _generator.OnEvent(record, timestamp, _events);
    }

    public override void ProcessWatermark(long watermarkMs)
    {
        if (watermarkMs == long.MaxValue) _events.EmitWatermark(long.MaxValue);
    }

    public IReadOnlyList<ControlEvent> EmitPeriodic()
    {
        _generator.OnPeriodicEmit(_events);
        return _events.Take();
    }

    public IReadOnlyList<ControlEvent> TakeEvents() => _events.Take();
}
