using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.Api.Functions;

/// <summary>
/// Flink's KeyedProcessFunction: called once per record with the record's key in scope, so keyed
/// state and timers refer to that key.
/// </summary>
public abstract class KeyedProcessFunction<TKey, TIn, TOut> where TKey : notnull
{
    /// <summary>Called once per subtask before any record; create state handles here.</summary>
    public virtual void Open(IKeyedRuntimeContext context) { }

    public abstract void ProcessElement(TIn value, Context context, ICollector<TOut> output);

    /// <summary>
    /// Called when a timer registered for <see cref="Context.CurrentKey"/> fires, event-time or
    /// processing-time (<see cref="OnTimerContext.TimeDomain"/>). Records emitted by an event-time timer
    /// carry its time as their timestamp; records emitted by a processing-time timer carry none.
    /// </summary>
    public virtual void OnTimer(long timestampMs, OnTimerContext context, ICollector<TOut> output) { }

    public abstract class Context
    {
        public abstract TKey CurrentKey { get; }

        public abstract ITimerService TimerService { get; }

        /// <summary>The event-time timestamp of the record being processed (of the timer, in <see cref="OnTimer"/>); null when it has none.</summary>
        public abstract long? Timestamp { get; }
    }

    public abstract class OnTimerContext : Context
    {
        /// <summary>Whether the firing timer is an event-time or a processing-time timer.</summary>
        public abstract TimeDomain TimeDomain { get; }
    }
}

/// <summary>Access to keyed state and facts about the running subtask.</summary>
public interface IKeyedRuntimeContext
{
    int SubtaskIndex { get; }

    int Parallelism { get; }

    IValueState<T> GetState<T>(ValueStateDescriptor<T> descriptor);

    IMapState<TUserKey, TUserValue> GetMapState<TUserKey, TUserValue>(MapStateDescriptor<TUserKey, TUserValue> descriptor) where TUserKey : notnull;

    IListState<T> GetListState<T>(ListStateDescriptor<T> descriptor);

    IReducingState<T> GetReducingState<T>(ReducingStateDescriptor<T> descriptor);

    IAggregatingState<TIn, TOut> GetAggregatingState<TIn, TAcc, TOut>(AggregatingStateDescriptor<TIn, TAcc, TOut> descriptor);
}

/// <summary>
/// Timers of the current key, in processing time and in event time. Timers of one key, time and
/// domain are deduplicated, as in Flink. They are checkpointed with the keyed state: after a restore
/// the pending ones come back (with their key group, whatever the new parallelism); processing-time
/// timers already due fire at the next tick, event-time timers when the watermark passes them.
/// </summary>
public interface ITimerService
{
    long CurrentProcessingTime { get; }

    /// <summary>The operator's current event time; <see cref="long.MinValue"/> before the first watermark.</summary>
    long CurrentWatermark { get; }

    void RegisterProcessingTimeTimer(long timestampMs);

    void DeleteProcessingTimeTimer(long timestampMs);

    /// <summary>Registers a timer that fires when the watermark reaches <paramref name="timestampMs"/>.</summary>
    void RegisterEventTimeTimer(long timestampMs);

    void DeleteEventTimeTimer(long timestampMs);
}
