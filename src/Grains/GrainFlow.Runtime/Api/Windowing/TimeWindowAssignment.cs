namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>What the event-time and processing-time variants of each time-window assigner differ in.</summary>
internal static class TimeWindowAssignment
{
    /// <summary>The time an element is assigned by: its timestamp on event time, the clock on processing time.</summary>
    public static long TimeOf(string assigner, bool eventTime, long timestamp, IWindowAssignerContext context) =>
        eventTime ? WindowParameters.EventTimestamp(assigner, timestamp) : context.CurrentProcessingTime;

    public static ITrigger<TimeWindow> DefaultTrigger(bool eventTime) => eventTime ? EventTimeTrigger.Create() : ProcessingTimeTrigger.Create();
}
