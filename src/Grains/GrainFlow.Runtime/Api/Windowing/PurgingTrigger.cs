namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>Turns every firing of the trigger it wraps into fire-and-purge (Flink's <c>PurgingTrigger</c>).</summary>
public sealed class PurgingTrigger<W> : Trigger<W> where W : Window
{
    internal PurgingTrigger(ITrigger<W> nested) => Nested = nested ?? throw new ArgumentNullException(nameof(nested), "PurgingTrigger.Of needs the trigger to wrap.");

    public ITrigger<W> Nested { get; }

    public override TriggerResult OnElement<T>(T element, long timestamp, W window, ITriggerContext context) =>
        Purging(Nested.OnElement(element, timestamp, window, context));

    public override TriggerResult OnEventTime(long time, W window, ITriggerContext context) => Purging(Nested.OnEventTime(time, window, context));

    public override TriggerResult OnProcessingTime(long time, W window, ITriggerContext context) => Purging(Nested.OnProcessingTime(time, window, context));

    public override bool CanMerge => Nested.CanMerge;

    public override void OnMerge(W window, IOnMergeContext context) => Nested.OnMerge(window, context);

    public override void Clear(W window, ITriggerContext context) => Nested.Clear(window, context);

    public override string ToString() => $"PurgingTrigger({Nested})";

    private static TriggerResult Purging(TriggerResult result) => result.IsFire() ? TriggerResult.FireAndPurge : result;
}

/// <summary>Creates <see cref="PurgingTrigger{W}"/>s.</summary>
public static class PurgingTrigger
{
    public static PurgingTrigger<W> Of<W>(ITrigger<W> nested) where W : Window => new(nested);
}
