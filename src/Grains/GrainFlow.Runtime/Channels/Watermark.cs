namespace GrainFlow.Runtime.Channels;

/// <summary>
/// Event time has reached <see cref="TimestampMs"/> on this channel: no record with a timestamp at
/// or before it is expected any more. Travels in order with the records; <see cref="long.MaxValue"/>
/// at the end of input fires everything still waiting for event time.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.Watermark")]
public sealed record Watermark([property: Id(0)] long TimestampMs) : ControlEvent
{
    public static readonly Watermark EndOfTime = new(long.MaxValue);

    public override string ToString() => TimestampMs == long.MaxValue ? "watermark MAX" : $"watermark {TimestampMs}";
}

/// <summary>
/// The sender went idle (sends no records for a while, so its watermark must not hold back its
/// consumers) or became active again. Flink's <c>WatermarkStatus</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.WatermarkStatus")]
public sealed record WatermarkStatus([property: Id(0)] bool Idle) : ControlEvent
{
    public static readonly WatermarkStatus IdleStatus = new(true);

    public static readonly WatermarkStatus ActiveStatus = new(false);

    public override string ToString() => Idle ? "watermark-status IDLE" : "watermark-status ACTIVE";
}
