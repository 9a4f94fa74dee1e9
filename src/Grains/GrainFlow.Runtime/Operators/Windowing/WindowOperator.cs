using GrainFlow.Errors;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>
/// The keyed operator of a window (Flink's <c>WindowOperator</c>): hosts the <see cref="WindowProcessor{TKey, TIn, TContents, TOut, W}"/>
/// on the subtask's keyed state backend, window contents and trigger state namespaced by window,
/// merging-window sets per key, and trigger and cleanup timers in the timer service
/// <see cref="TimerServiceName"/>, so all of it is in every snapshot and moves with its key group.
/// </summary>
internal sealed class WindowOperator<TKey, TIn, TContents, TOut, W>(
    string uid, string name, Func<TIn, TKey> keySelector, WindowOperatorSpec<TIn, TContents, TOut, TKey, W> spec,
    ICollector<TOut> output, Api.OutputTag<TIn>? lateDataTag)
    : KeyedOperatorBase<TKey, TIn>(uid, name, keySelector), ITriggerable<TKey, W>, IWindowOperator
    where TKey : notnull
    where W : Window
{
    /// <summary>The timer service of window triggers and cleanup (Flink's name).</summary>
    public const string TimerServiceName = "window-timers";

    private WindowProcessor<TKey, TIn, TContents, TOut, W> _processor = null!;

    /// <summary>Elements dropped as later than the allowed lateness (Flink's <c>numLateRecordsDropped</c>).</summary>
    public long NumLateRecordsDropped => _processor.NumLateRecordsDropped;

    protected override void OpenKeyed()
    {
        try
        {
            // Before any state is registered: a non-merging assigner's windows are the same for every key.
            Backend.NamespacesSharedByKeys = spec.Assigner is not MergingWindowAssigner<W>;
            var timers = GetInternalTimerService(TimerServiceName, this);
            // Late data goes where the job reads the tag (the graph refuses a job that declares it and never reads it).
            var lateOutput = lateDataTag is null ? null : Context.SideOutputs.For(lateDataTag);
            _processor = new WindowProcessor<TKey, TIn, TContents, TOut, W>(
                spec, output, lateOutput, Context.Timestamp, new BackendState(Backend, timers), spec.Contents.Create<TKey, W>(Backend));
            RefuseWindowsOfTheOtherKind(spec.Assigner is MergingWindowAssigner<W>);
        }
        catch (InvalidDataException e)
        {
            // The state layer knows the codecs; only the operator knows which window changed. Not
            // recoverable: every restart would restore the same snapshot into the same window.
            throw new NonRecoverableJobException(
                $"The window '{Name}' ({Uid}) cannot restore its windows ({typeof(W).Name}, assigned by {spec.Assigner}) from the snapshot: {e.Message} " +
                "If the window's assigner, function or element type changed, give the changed window a new uid, or restore with the job the snapshot was taken with.", e);
        }
    }

    /// <summary>
    /// Tumbling and session windows are both time windows, so their state reads back either way; but
    /// windows restored without their merging-window set would never fire (and a set restored into a
    /// non-merging operator would never be read): their contents would be lost without a word.
    /// </summary>
    private void RefuseWindowsOfTheOtherKind(bool merging)
    {
        var contents = Backend.Tables.FirstOrDefault(t => t.Name == WindowStateNames.Contents)?.Count ?? 0;
        var mappings = Backend.Tables.FirstOrDefault(t => t.Name == WindowStateNames.MergingWindowSet)?.Count ?? 0;
        if (merging ? contents == 0 || mappings > 0 : mappings == 0) return;
        var (snapshotKind, jobKind) = merging ? ("non-merging", "merging") : ("merging (session)", "non-merging");
        throw new NonRecoverableJobException(
            $"The window '{Name}' ({Uid}) cannot restore its windows from the snapshot: they were assigned by a {snapshotKind} assigner, and this job assigns them by {spec.Assigner}, a {jobKind} one. " +
            "Give the changed window a new uid (its windows then start empty), or restore with the job the snapshot was taken with.");
    }

    protected override void ProcessKeyed(TIn record) => _processor.ProcessElement(Backend.CurrentKey, record);

    public void OnEventTime(InternalTimer<TKey, W> timer) => _processor.OnEventTime(timer.Key, timer.Namespace, timer.Timestamp);

    public void OnProcessingTime(InternalTimer<TKey, W> timer) => _processor.OnProcessingTime(timer.Key, timer.Namespace, timer.Timestamp);

    /// <summary>The window state and timers of the current key, on the backend and the timer service.</summary>
    private sealed class BackendState(IKeyedStateBackend<TKey> backend, InternalTimerService<TKey, W> timers) : IWindowOperatorState<W>
    {
        private readonly Dictionary<string, object> _windowStates = new(StringComparer.Ordinal);
        private readonly Dictionary<string, object> _keyStates = new(StringComparer.Ordinal);

        public long CurrentWatermark => timers.CurrentWatermark;

        public long CurrentProcessingTime => timers.CurrentProcessingTime;

        public INamespacedValueState<W, TValue> GetWindowState<TValue>(string name)
        {
            if (!_windowStates.TryGetValue(name, out var state))
            {
                state = new NamespacedValue<TValue>(backend.GetInternalValueState<W, TValue>(new ValueStateDescriptor<TValue>(name)));
                _windowStates.Add(name, state);
            }
            return (INamespacedValueState<W, TValue>)state;
        }

        public IValueState<TValue> GetKeyState<TValue>(string name)
        {
            if (!_keyStates.TryGetValue(name, out var state))
            {
                state = backend.GetValueState(new ValueStateDescriptor<TValue>(name));
                _keyStates.Add(name, state);
            }
            return (IValueState<TValue>)state;
        }

        public void RegisterEventTimeTimer(W window, long time) => timers.RegisterEventTimeTimer(window, time);

        public void DeleteEventTimeTimer(W window, long time) => timers.DeleteEventTimeTimer(window, time);

        public void RegisterProcessingTimeTimer(W window, long time) => timers.RegisterProcessingTimeTimer(window, time);

        public void DeleteProcessingTimeTimer(W window, long time) => timers.DeleteProcessingTimeTimer(window, time);
    }

    private sealed class NamespacedValue<TValue>(IInternalValueState<W, TValue> state) : INamespacedValueState<W, TValue>
    {
        public bool TryGet(W window, out TValue value)
        {
            state.SetCurrentNamespace(window);
            var has = state.HasValue;
            value = has ? state.Value! : default!;
            return has;
        }

        public void Update(W window, TValue value)
        {
            state.SetCurrentNamespace(window);
            state.Update(value);
        }

        public void Clear(W window)
        {
            state.SetCurrentNamespace(window);
            state.Clear();
        }
    }
}

/// <summary>A window operator whatever its types: what metrics and tests read.</summary>
internal interface IWindowOperator
{
    /// <summary>Elements dropped as later than the allowed lateness (Flink's <c>numLateRecordsDropped</c>).</summary>
    long NumLateRecordsDropped { get; }
}
