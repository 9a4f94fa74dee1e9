using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Tests.Windowing;

/// <summary>A trigger context for driving triggers directly: records timers, keeps per-window values, with settable time.</summary>
internal sealed class RecordingTriggerContext : IOnMergeContext
{
    private readonly Dictionary<(Window Window, string Name), object?> _values = new();

    public long CurrentProcessingTime { get; set; }

    public long CurrentWatermark { get; set; } = long.MinValue;

    /// <summary>The window the next call is for; partitioned state is scoped to it.</summary>
    public Window Window { get; set; } = GlobalWindow.Instance;

    /// <summary>The windows whose state <see cref="MergePartitionedState{TValue}"/> merges into <see cref="Window"/>.</summary>
    public List<Window> MergedWindows { get; } = new();

    public SortedSet<long> EventTimers { get; } = new();

    public SortedSet<long> ProcessingTimers { get; } = new();

    public void RegisterProcessingTimeTimer(long time) => ProcessingTimers.Add(time);

    public void RegisterEventTimeTimer(long time) => EventTimers.Add(time);

    public void DeleteProcessingTimeTimer(long time) => ProcessingTimers.Remove(time);

    public void DeleteEventTimeTimer(long time) => EventTimers.Remove(time);

    public IValueState<TValue> GetPartitionedState<TValue>(ValueStateDescriptor<TValue> descriptor) => new WindowValue<TValue>(this, Window, descriptor.Name);

    public void MergePartitionedState<TValue>(ValueStateDescriptor<TValue> descriptor, Func<TValue, TValue, TValue> merge)
    {
        var target = new WindowValue<TValue>(this, Window, descriptor.Name);
        foreach (var merged in MergedWindows)
        {
            var source = new WindowValue<TValue>(this, merged, descriptor.Name);
            if (!source.HasValue) continue;
            target.Update(target.HasValue ? merge(target.Value!, source.Value!) : source.Value!);
        }
    }

    private sealed class WindowValue<TValue>(RecordingTriggerContext owner, Window window, string name) : IValueState<TValue>
    {
        public TValue? Value => owner._values.TryGetValue((window, name), out var value) ? (TValue?)value : default;

        public bool HasValue => owner._values.ContainsKey((window, name));

        public void Update(TValue value) => owner._values[(window, name)] = value;

        public void Clear() => owner._values.Remove((window, name));
    }
}
