namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>Fires when processing time passes the window's end (Flink's <c>ProcessingTimeTrigger</c>).</summary>
public sealed class ProcessingTimeTrigger : Trigger<Window>
{
    private ProcessingTimeTrigger() { }

    public static ProcessingTimeTrigger Create() => new();

    public override TriggerResult OnElement<T>(T element, long timestamp, Window window, ITriggerContext context)
    {
        context.RegisterProcessingTimeTimer(window.MaxTimestamp);
        return TriggerResult.Continue;
    }

    public override TriggerResult OnEventTime(long time, Window window, ITriggerContext context) => TriggerResult.Continue;

    public override TriggerResult OnProcessingTime(long time, Window window, ITriggerContext context) => TriggerResult.Fire;

    public override bool CanMerge => true;

    public override void OnMerge(Window window, IOnMergeContext context)
    {
        if (window.MaxTimestamp > context.CurrentProcessingTime) context.RegisterProcessingTimeTimer(window.MaxTimestamp);
    }

    public override void Clear(Window window, ITriggerContext context) => context.DeleteProcessingTimeTimer(window.MaxTimestamp);

    public override string ToString() => "ProcessingTimeTrigger()";
}
