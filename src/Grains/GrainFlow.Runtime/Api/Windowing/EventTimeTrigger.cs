namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Fires once the watermark passes the window's end (Flink's <c>EventTimeTrigger</c>; any window, by its <see cref="Window.MaxTimestamp"/>), and at once for
/// an element added to a window the watermark has already passed (a late firing within the allowed lateness).
/// </summary>
public sealed class EventTimeTrigger : Trigger<Window>
{
    private EventTimeTrigger() { }

    public static EventTimeTrigger Create() => new();

    public override TriggerResult OnElement<T>(T element, long timestamp, Window window, ITriggerContext context)
    {
        if (window.MaxTimestamp <= context.CurrentWatermark) return TriggerResult.Fire;
        context.RegisterEventTimeTimer(window.MaxTimestamp);
        return TriggerResult.Continue;
    }

    public override TriggerResult OnEventTime(long time, Window window, ITriggerContext context) =>
        time == window.MaxTimestamp ? TriggerResult.Fire : TriggerResult.Continue;

    public override TriggerResult OnProcessingTime(long time, Window window, ITriggerContext context) => TriggerResult.Continue;

    public override bool CanMerge => true;

    public override void OnMerge(Window window, IOnMergeContext context)
    {
        // Only while the merged window can still fire on time: a later one fires through OnElement.
        if (window.MaxTimestamp > context.CurrentWatermark) context.RegisterEventTimeTimer(window.MaxTimestamp);
    }

    public override void Clear(Window window, ITriggerContext context) => context.DeleteEventTimeTimer(window.MaxTimestamp);

    public override string ToString() => "EventTimeTrigger()";
}
