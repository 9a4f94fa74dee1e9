namespace GrainFlow.Runtime.Api.Functions;

/// <summary>The time a timer was set in (Flink's TimeDomain).</summary>
public enum TimeDomain
{
    /// <summary>Event time: the timer fired because the watermark passed its time.</summary>
    EventTime,

    /// <summary>Processing time: the timer fired because the machine's clock passed its time.</summary>
    ProcessingTime,
}
