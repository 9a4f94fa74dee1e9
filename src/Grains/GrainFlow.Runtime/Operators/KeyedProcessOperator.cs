using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Operators;

/// <summary>Runs a <see cref="KeyedProcessFunction{TKey, TIn, TOut}"/> with keyed state and processing-time and event-time timers.</summary>
internal sealed class KeyedProcessOperator<TKey, TIn, TOut>(
    string uid, string name, Func<TIn, TKey> keySelector, KeyedProcessFunction<TKey, TIn, TOut> function, ICollector<TOut> output)
    : KeyedOperatorBase<TKey, TIn>(uid, name, keySelector), ITriggerable<TKey, VoidNamespace>
    where TKey : notnull
{
    private InternalTimerService<TKey, VoidNamespace> _timers = null!;
    private FunctionContext _context = null!;

    protected override void OpenKeyed()
    {
        // Before the function opens: timers restored with the state are due or pending from the start.
        _timers = GetInternalTimerService(TimerStateNames.UserTimers, this);
        _context = new FunctionContext(this);
        function.Open(_context);
    }

    protected override void ProcessKeyed(TIn record) => function.ProcessElement(record, _context, output);

    public void OnEventTime(InternalTimer<TKey, VoidNamespace> timer) => Fire(timer.Timestamp, TimeDomain.EventTime);

    public void OnProcessingTime(InternalTimer<TKey, VoidNamespace> timer) => Fire(timer.Timestamp, TimeDomain.ProcessingTime);

    private void Fire(long time, TimeDomain domain)
    {
        _context.Firing = (time, domain);
        try
        {
            function.OnTimer(time, _context, output);
        }
        finally
        {
            _context.Firing = null;
        }
    }

    private sealed class FunctionContext(KeyedProcessOperator<TKey, TIn, TOut> owner)
        : KeyedProcessFunction<TKey, TIn, TOut>.OnTimerContext, IKeyedRuntimeContext, ITimerService
    {
        /// <summary>The timer being fired, or null while a record is processed.</summary>
        public (long Time, TimeDomain Domain)? Firing { get; set; }

        public override TKey CurrentKey => owner.Backend.CurrentKey;

        public override ITimerService TimerService => this;

        public override long? Timestamp => Firing is { } timer ? timer.Time
            : owner.Context.Timestamp.HasTimestamp ? owner.Context.Timestamp.Current : null;

        public override TimeDomain TimeDomain => Firing?.Domain
            ?? throw new InvalidOperationException("The time domain is known only while a timer fires (in OnTimer).");

        public long CurrentProcessingTime => owner._timers.CurrentProcessingTime;

        public long CurrentWatermark => owner._timers.CurrentWatermark;

        public void RegisterProcessingTimeTimer(long timestampMs) => owner._timers.RegisterProcessingTimeTimer(VoidNamespace.Instance, timestampMs);

        public void DeleteProcessingTimeTimer(long timestampMs) => owner._timers.DeleteProcessingTimeTimer(VoidNamespace.Instance, timestampMs);

        public void RegisterEventTimeTimer(long timestampMs) => owner._timers.RegisterEventTimeTimer(VoidNamespace.Instance, timestampMs);

        public void DeleteEventTimeTimer(long timestampMs) => owner._timers.DeleteEventTimeTimer(VoidNamespace.Instance, timestampMs);

        public int SubtaskIndex => owner.Context.SubtaskIndex;

        public int Parallelism => owner.Context.Parallelism;

        public IValueState<T> GetState<T>(ValueStateDescriptor<T> descriptor) => owner.Backend.GetValueState(descriptor);

        public IMapState<TUserKey, TUserValue> GetMapState<TUserKey, TUserValue>(MapStateDescriptor<TUserKey, TUserValue> descriptor)
            where TUserKey : notnull => owner.Backend.GetMapState(descriptor);

        public IListState<T> GetListState<T>(ListStateDescriptor<T> descriptor) => owner.Backend.GetListState(descriptor);

        public IReducingState<T> GetReducingState<T>(ReducingStateDescriptor<T> descriptor) => owner.Backend.GetReducingState(descriptor);

        public IAggregatingState<TIn2, TOut2> GetAggregatingState<TIn2, TAcc, TOut2>(AggregatingStateDescriptor<TIn2, TAcc, TOut2> descriptor) =>
            owner.Backend.GetAggregatingState(descriptor);
    }
}
