using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Operators;

/// <summary>Runs a <see cref="KeyedProcessFunction{TKey, TIn, TOut}"/> with keyed state and processing-time timers.</summary>
internal sealed class KeyedProcessOperator<TKey, TIn, TOut>(
    string uid, string name, Func<TIn, TKey> keySelector, KeyedProcessFunction<TKey, TIn, TOut> function, ICollector<TOut> output)
    : KeyedOperatorBase<TKey, TIn>(uid, name, keySelector)
    where TKey : notnull
{
    private ProcessingTimeTimers<TKey> _timers = null!;
    private FunctionContext _context = null!;

    protected override void OpenKeyed()
    {
        // Before the function opens: timers restored with the state are due or pending from the start.
        _timers = Backend.GetProcessingTimeTimers();
        _context = new FunctionContext(this);
        function.Open(_context);
    }

    protected override void ProcessKeyed(TIn record) => function.ProcessElement(record, _context, output);

    public override void OnProcessingTime(long nowMs)
    {
        while (_timers.TryTakeDue(nowMs, out var key, out var time))
        {
            Backend.SetCurrentKey(key);
            function.OnTimer(time, _context, output);
        }
    }

    private sealed class FunctionContext(KeyedProcessOperator<TKey, TIn, TOut> owner)
        : KeyedProcessFunction<TKey, TIn, TOut>.Context, IKeyedRuntimeContext, ITimerService
    {
        public override TKey CurrentKey => owner.Backend.CurrentKey;

        public override ITimerService TimerService => this;

        public override void Output<T>(Api.OutputTag<T> tag, T value) => owner.Context.SideOutputs.For(tag).Collect(value);

        public long CurrentProcessingTime => owner.Context.NowMs;

        public void RegisterProcessingTimeTimer(long timestampMs) => owner._timers.RegisterForCurrentKey(timestampMs);

        public void DeleteProcessingTimeTimer(long timestampMs) => owner._timers.DeleteForCurrentKey(timestampMs);

        public int SubtaskIndex => owner.Context.SubtaskIndex;

        public int Parallelism => owner.Context.Parallelism;

        public IValueState<T> GetState<T>(ValueStateDescriptor<T> descriptor) => owner.Backend.GetValueState(descriptor);

        public IMapState<TUserKey, TUserValue> GetMapState<TUserKey, TUserValue>(MapStateDescriptor<TUserKey, TUserValue> descriptor)
            where TUserKey : notnull => owner.Backend.GetMapState(descriptor);

        public IListState<T> GetListState<T>(ListStateDescriptor<T> descriptor) => owner.Backend.GetListState(descriptor);
    }
}
