using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>What a trigger may do for the key and window it is called for (Flink's <c>Trigger.TriggerContext</c>).</summary>
public interface ITriggerContext
{
    long CurrentProcessingTime { get; }

    long CurrentWatermark { get; }

    /// <summary>Calls <see cref="Trigger{W}.OnProcessingTime"/> for this key and window when processing time reaches <paramref name="time"/>.</summary>
    void RegisterProcessingTimeTimer(long time);

    /// <summary>Calls <see cref="Trigger{W}.OnEventTime"/> for this key and window when the watermark reaches <paramref name="time"/>.</summary>
    void RegisterEventTimeTimer(long time);

    void DeleteProcessingTimeTimer(long time);

    void DeleteEventTimeTimer(long time);

    /// <summary>State of this trigger scoped to the current key and window, checkpointed with the window.</summary>
    IValueState<TValue> GetPartitionedState<TValue>(ValueStateDescriptor<TValue> descriptor);
}

/// <summary>The context of <see cref="Trigger{W}.OnMerge"/>, which can also merge the trigger's state of the merged windows.</summary>
public interface IOnMergeContext : ITriggerContext
{
    /// <summary>Combines the values of the merged windows (those that have one) with <paramref name="merge"/> into the merge result's state.</summary>
    void MergePartitionedState<TValue>(ValueStateDescriptor<TValue> descriptor, Func<TValue, TValue, TValue> merge);
}
