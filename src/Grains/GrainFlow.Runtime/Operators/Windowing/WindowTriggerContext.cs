using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>The trigger context of the window operator: timers and trigger state of the current key and <see cref="Window"/>.</summary>
internal sealed class WindowTriggerContext<W>(IWindowOperatorState<W> state) : IOnMergeContext where W : Window
{
    public W Window { get; set; } = null!;

    /// <summary>During <see cref="Trigger{W}.OnMerge"/>: the windows merged into <see cref="Window"/>.</summary>
    public IReadOnlyCollection<W> MergedWindows { get; set; } = [];

    public long CurrentProcessingTime => state.CurrentProcessingTime;

    public long CurrentWatermark => state.CurrentWatermark;

    public void RegisterProcessingTimeTimer(long time) => state.RegisterProcessingTimeTimer(Window, time);

    public void RegisterEventTimeTimer(long time) => state.RegisterEventTimeTimer(Window, time);

    public void DeleteProcessingTimeTimer(long time) => state.DeleteProcessingTimeTimer(Window, time);

    public void DeleteEventTimeTimer(long time) => state.DeleteEventTimeTimer(Window, time);

    public IValueState<TValue> GetPartitionedState<TValue>(ValueStateDescriptor<TValue> descriptor) =>
        new WindowValueState<W, TValue>(state.GetWindowState<TValue>(WindowStateNames.Trigger(descriptor)), Window);

    public void MergePartitionedState<TValue>(ValueStateDescriptor<TValue> descriptor, Func<TValue, TValue, TValue> merge)
    {
        var values = state.GetWindowState<TValue>(WindowStateNames.Trigger(descriptor));
        var hasMerged = values.TryGet(Window, out var merged);
        foreach (var window in MergedWindows)
        {
            if (window.Equals(Window) || !values.TryGet(window, out var value)) continue;
            merged = hasMerged ? merge(merged, value) : value;
            hasMerged = true;
        }
        if (hasMerged) values.Update(Window, merged);
    }
}
