namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Decides when a window's result is emitted (Flink's <c>Trigger</c>). Called for each element added
/// to a window and for the timers it registered through the context; state it keeps per window goes
/// through <see cref="ITriggerContext.GetPartitionedState{TValue}"/>, so it is checkpointed. Write a
/// custom trigger by subclassing <see cref="Trigger{W}"/>.
/// </summary>
/// <remarks>
/// Contravariant in the window, so a trigger written for any <see cref="Window"/> (event time, count,
/// purging) serves time windows and the global window alike.
/// </remarks>
public interface ITrigger<in W> where W : Window
{
    TriggerResult OnElement<T>(T element, long timestamp, W window, ITriggerContext context);

    /// <summary>A processing-time timer this trigger registered for <paramref name="window"/> fired.</summary>
    TriggerResult OnProcessingTime(long time, W window, ITriggerContext context);

    /// <summary>An event-time timer this trigger registered for <paramref name="window"/> fired.</summary>
    TriggerResult OnEventTime(long time, W window, ITriggerContext context);

    /// <summary>Whether the trigger can follow windows that merge; merging assigners (sessions) need one that can.</summary>
    bool CanMerge { get; }

    /// <summary>
    /// Windows merged into <paramref name="window"/>: register the timers it needs and merge the state of
    /// the merged windows into it. The merged windows' own timers and state are cleared afterwards with <see cref="Clear"/>.
    /// </summary>
    void OnMerge(W window, IOnMergeContext context);

    /// <summary>The window is purged for good: delete the timers and state this trigger keeps for it.</summary>
    void Clear(W window, ITriggerContext context);
}

/// <summary>The base of triggers: a trigger that cannot merge unless it overrides <see cref="CanMerge"/> and <see cref="OnMerge"/>.</summary>
public abstract class Trigger<W> : ITrigger<W> where W : Window
{
    public abstract TriggerResult OnElement<T>(T element, long timestamp, W window, ITriggerContext context);

    public abstract TriggerResult OnProcessingTime(long time, W window, ITriggerContext context);

    public abstract TriggerResult OnEventTime(long time, W window, ITriggerContext context);

    public virtual bool CanMerge => false;

    public virtual void OnMerge(W window, IOnMergeContext context) =>
        throw new InvalidOperationException($"{GetType().Name} does not support merging windows; override CanMerge and OnMerge to use it with session windows.");

    public abstract void Clear(W window, ITriggerContext context);
}
