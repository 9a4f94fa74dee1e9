namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Puts every element of a key into the one <see cref="GlobalWindow"/> (Flink's <c>GlobalWindows</c>).
/// Its default trigger never fires: give it one, such as <c>CountTrigger.Of(n)</c>.
/// </summary>
public sealed class GlobalWindows : WindowAssigner<GlobalWindow>
{
    private static readonly GlobalWindow[] TheWindow = [GlobalWindow.Instance];

    private GlobalWindows() { }

    public static GlobalWindows Create() => new();

    public override bool IsEventTime => false;

    public override IReadOnlyList<GlobalWindow> AssignWindows<T>(T element, long timestamp, IWindowAssignerContext context) => TheWindow;

    public override ITrigger<GlobalWindow> GetDefaultTrigger() => new NeverTrigger();

    public override string ToString() => "GlobalWindows()";

    /// <summary>The default trigger of global windows: it never fires, and the window is never cleaned up by time.</summary>
    public sealed class NeverTrigger : Trigger<GlobalWindow>
    {
        public override TriggerResult OnElement<T>(T element, long timestamp, GlobalWindow window, ITriggerContext context) => TriggerResult.Continue;

        public override TriggerResult OnEventTime(long time, GlobalWindow window, ITriggerContext context) => TriggerResult.Continue;

        public override TriggerResult OnProcessingTime(long time, GlobalWindow window, ITriggerContext context) => TriggerResult.Continue;

        public override void Clear(GlobalWindow window, ITriggerContext context) { }

        public override bool CanMerge => true;

        public override void OnMerge(GlobalWindow window, IOnMergeContext context) { }
    }
}
