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

    /// <summary>Called when a processing-time timer registered for <see cref="Context.CurrentKey"/> fires.</summary>
    public virtual void OnTimer(long timestampMs, Context context, ICollector<TOut> output) { }

    public abstract class Context
    {
        public abstract TKey CurrentKey { get; }

        public abstract ITimerService TimerService { get; }

        /// <summary>Emits <paramref name="value"/> to the side output <paramref name="tag"/> (see <see cref="ProcessFunction{TIn, TOut}.Context.Output{T}"/>).</summary>
        public abstract void Output<T>(OutputTag<T> tag, T value);
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
}

/// <summary>
/// Processing-time timers of the current key. Timers of one key and time are deduplicated, as in Flink.
/// They are checkpointed with the keyed state: after a restore the pending ones come back (with their
/// key group, whatever the new parallelism), and those already due fire right away.
/// </summary>
public interface ITimerService
{
    long CurrentProcessingTime { get; }

    void RegisterProcessingTimeTimer(long timestampMs);

    void DeleteProcessingTimeTimer(long timestampMs);
}
