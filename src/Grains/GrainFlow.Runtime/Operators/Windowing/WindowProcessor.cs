using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>
/// Flink's <c>WindowOperator</c> logic for one operator subtask, over the keyed state and timers of
/// its host (<see cref="IWindowOperatorState{W}"/>), with the current key set by the host: assigns
/// each element to windows, merges session windows, asks the trigger, emits fired windows with
/// timestamp <c>window.MaxTimestamp</c>, and cleans a window up when event time passes its end plus
/// the allowed lateness. Elements later than that are dropped and counted, or go to the late-data side output.
/// </summary>
internal sealed class WindowProcessor<TKey, TIn, TContents, TOut, W> : IWindowAssignerContext where W : Window
{
    private readonly WindowAssigner<W> _assigner;
    private readonly ITrigger<W> _trigger;
    // The trigger's generic OnElement<TIn>, resolved once: called through the interface, a generic
    // virtual method is looked up by the runtime on every element.
    private readonly Func<TIn, long, W, ITriggerContext, TriggerResult> _onElement;
    private readonly long _allowedLateness;
    private readonly InternalWindowFunction<TContents, TOut, TKey, W> _function;
    private readonly ICollector<TOut> _output;
    private readonly ICollector<TIn>? _lateOutput;
    private readonly RecordTimestamp _timestamp;
    private readonly IWindowOperatorState<W> _state;
    private readonly IWindowContents<W, TIn, TContents> _contents;
    private readonly WindowTriggerContext<W> _triggerContext;
    private readonly FunctionContext _functionContext;
    private readonly MergingWindowSet<W>? _mergingWindows;
    private readonly MergingWindowSet<W>.MergeFunction _mergeWindows;

    public WindowProcessor(
        WindowOperatorSpec<TIn, TContents, TOut, TKey, W> spec, ICollector<TOut> output, ICollector<TIn>? lateOutput,
        RecordTimestamp timestamp, IWindowOperatorState<W> state, IWindowContents<W, TIn, TContents> contents)
    {
        _assigner = spec.Assigner;
        _trigger = spec.Trigger;
        _onElement = _trigger.OnElement;
        _allowedLateness = spec.AllowedLatenessMs;
        _function = spec.Function;
        _output = output;
        _lateOutput = lateOutput;
        _timestamp = timestamp;
        _state = state;
        _contents = contents;
        _triggerContext = new WindowTriggerContext<W>(state);
        // Declared by every window operator, merging or not: a set restored into a non-merging one must be seen to be refused.
        var mergingWindowStore = new MergingWindowStore(state);
        _mergingWindows = spec.Assigner is MergingWindowAssigner<W> merging ? new MergingWindowSet<W>(merging, mergingWindowStore) : null;
        _functionContext = new FunctionContext(state, merging: _mergingWindows is not null);
        _mergeWindows = MergeWindows;
    }

    /// <summary>Elements dropped because they came later than the allowed lateness (Flink's <c>numLateRecordsDropped</c>).</summary>
    public long NumLateRecordsDropped { get; private set; }

    public long CurrentProcessingTime => _state.CurrentProcessingTime;

    /// <summary>Adds an element of <paramref name="key"/> (the host's current key), timestamped by the chain's <see cref="RecordTimestamp"/>.</summary>
    public void ProcessElement(TKey key, TIn element)
    {
        var timestamp = _timestamp.Current;
        var windows = _assigner.AssignWindows(element, timestamp, this);
        var skipped = true;
        if (_mergingWindows is { } mergingWindows)
        {
            mergingWindows.Load();
            // Indexed, not foreach: an interface enumerator would be allocated for every element.
            for (var i = 0; i < windows.Count; i++)
            {
                var actualWindow = mergingWindows.AddWindow(windows[i], _mergeWindows);
                if (IsWindowLate(actualWindow))
                {
                    mergingWindows.RetireWindow(actualWindow);
                    continue;
                }
                skipped = false;
                var stateWindowOfActual = mergingWindows.GetStateWindow(actualWindow)
                    ?? throw new InvalidOperationException($"Window {actualWindow} is not in the in-flight window set.");
                AddAndTrigger(key, element, timestamp, actualWindow, stateWindowOfActual);
            }
            mergingWindows.Persist();
        }
        else
        {
            for (var i = 0; i < windows.Count; i++)
            {
                var window = windows[i];
                if (IsWindowLate(window)) continue;
                skipped = false;
                AddAndTrigger(key, element, timestamp, window, window);
            }
        }

        if (skipped && IsElementLate(timestamp))
        {
            if (_lateOutput is not null) _lateOutput.Collect(element);
            else NumLateRecordsDropped++;
        }
    }

    /// <summary>An event-time timer of <paramref name="key"/> (the host's current key) and <paramref name="window"/> fired.</summary>
    public void OnEventTime(TKey key, W window, long time) => OnTimer(key, window, time, eventTime: true);

    /// <summary>A processing-time timer of <paramref name="key"/> (the host's current key) and <paramref name="window"/> fired.</summary>
    public void OnProcessingTime(TKey key, W window, long time) => OnTimer(key, window, time, eventTime: false);

    private void OnTimer(TKey key, W window, long time, bool eventTime)
    {
        var mergingWindows = _mergingWindows;
        var stateWindow = window;
        if (mergingWindows is not null)
        {
            mergingWindows.Load();
            // A timer of a window merged away or cleaned up already: its trigger did not delete it; nothing is left to do.
            if (mergingWindows.GetStateWindow(window) is not { } inFlight) return;
            stateWindow = inFlight;
        }

        _triggerContext.Window = window;
        var result = eventTime ? _trigger.OnEventTime(time, window, _triggerContext) : _trigger.OnProcessingTime(time, window, _triggerContext);
        var cleanup = eventTime == _assigner.IsEventTime && time == CleanupTime(window);
        var contentsGone = false;
        if (result.IsFire())
        {
            // A window that fires and goes at once (every window of the default trigger) has its contents
            // taken, not read and then cleared: one state lookup instead of three.
            var has = cleanup ? _contents.TryTake(stateWindow, out var contents) : _contents.TryGet(stateWindow, out contents);
            contentsGone = cleanup;
            if (has) Emit(key, window, contents);
        }
        if (result.IsPurge() && !contentsGone) _contents.Clear(stateWindow);
        if (cleanup) ClearAllState(key, window, stateWindow, mergingWindows, clearContents: !contentsGone);
        mergingWindows?.Persist();
    }

    private void AddAndTrigger(TKey key, TIn element, long timestamp, W window, W stateWindow)
    {
        _contents.Add(stateWindow, element);
        _triggerContext.Window = window;
        var result = _onElement(element, timestamp, window, _triggerContext);
        if (result.IsFire() && _contents.TryGet(stateWindow, out var fired)) Emit(key, window, fired);
        if (result.IsPurge()) _contents.Clear(stateWindow);
        RegisterCleanupTimer(window);
    }

    private void MergeWindows(W result, IReadOnlyCollection<W> mergedWindows, W stateWindow, IReadOnlyCollection<W> mergedStateWindows)
    {
        if (_assigner.IsEventTime && result.MaxTimestamp + _allowedLateness <= _state.CurrentWatermark)
        {
            throw new InvalidOperationException(
                $"The end timestamp of an event-time window cannot become earlier than the current watermark by merging. Current watermark: {_state.CurrentWatermark} window: {result}");
        }
        if (!_assigner.IsEventTime && result.MaxTimestamp <= _state.CurrentProcessingTime)
        {
            throw new InvalidOperationException(
                $"The end timestamp of a processing-time window cannot become earlier than the current processing time by merging. Current processing time: {_state.CurrentProcessingTime} window: {result}");
        }

        _triggerContext.Window = result;
        _triggerContext.MergedWindows = mergedWindows;
        _trigger.OnMerge(result, _triggerContext);
        _triggerContext.MergedWindows = [];
        foreach (var merged in mergedWindows)
        {
            _triggerContext.Window = merged;
            _trigger.Clear(merged, _triggerContext);
            DeleteCleanupTimer(merged);
        }

        _contents.Merge(stateWindow, mergedStateWindows);
    }

    private void Emit(TKey key, W window, TContents contents)
    {
        _timestamp.Current = window.MaxTimestamp;
        _functionContext.Window = window;
        _function.Process(key, _functionContext, contents, _output);
    }

    private void ClearAllState(TKey key, W window, W stateWindow, MergingWindowSet<W>? mergingWindows, bool clearContents)
    {
        if (clearContents) _contents.Clear(stateWindow);
        _triggerContext.Window = window;
        _trigger.Clear(window, _triggerContext);
        _functionContext.Window = window;
        _function.Clear(key, _functionContext);
        mergingWindows?.RetireWindow(window);
    }

    /// <summary>When the window's state goes: event time at its end plus the allowed lateness (never, if that overflows), or processing time at its end.</summary>
    private long CleanupTime(W window)
    {
        if (!_assigner.IsEventTime) return window.MaxTimestamp;
        var cleanupTime = window.MaxTimestamp + _allowedLateness;
        return cleanupTime >= window.MaxTimestamp ? cleanupTime : long.MaxValue;
    }

    private void RegisterCleanupTimer(W window)
    {
        var cleanupTime = CleanupTime(window);
        if (cleanupTime == long.MaxValue) return;
        if (_assigner.IsEventTime) _state.RegisterEventTimeTimer(window, cleanupTime);
        else _state.RegisterProcessingTimeTimer(window, cleanupTime);
    }

    private void DeleteCleanupTimer(W window)
    {
        var cleanupTime = CleanupTime(window);
        if (cleanupTime == long.MaxValue) return;
        if (_assigner.IsEventTime) _state.DeleteEventTimeTimer(window, cleanupTime);
        else _state.DeleteProcessingTimeTimer(window, cleanupTime);
    }

    private bool IsWindowLate(W window) => _assigner.IsEventTime && CleanupTime(window) <= _state.CurrentWatermark;

    private bool IsElementLate(long timestamp) => _assigner.IsEventTime && timestamp + _allowedLateness <= _state.CurrentWatermark;

    private sealed class FunctionContext(IWindowOperatorState<W> state, bool merging) : IWindowFunctionContext<W>
    {
        public W Window { get; set; } = null!;

        public long CurrentProcessingTime => state.CurrentProcessingTime;

        public long CurrentWatermark => state.CurrentWatermark;

        // Merging windows would have to merge the user's state too, which it never declared how to do (Flink refuses it as well).
        public IKeyedStateStore WindowState => !merging
            ? new WindowKeyedStateStore<W>(state, Window)
            : throw new InvalidOperationException(
                "Per-window state is not supported when using merging windows: keep the state in GlobalState (per key), or use a non-merging assigner.");

        public IKeyedStateStore GlobalState { get; } = new KeyScopedStateStore<W>(state);
    }

    /// <summary>The current key's merging-window mapping, kept as keyed state.</summary>
    private sealed class MergingWindowStore(IWindowOperatorState<W> state) : IMergingWindowStore<W>
    {
        private readonly Api.State.IValueState<WindowMapping<W>[]> _mapping = state.GetKeyState<WindowMapping<W>[]>(WindowStateNames.MergingWindowSet);

        // The array in state as it is: loaded for every element and every timer of a merging window.
        public WindowMapping<W>[] Load() => _mapping.Value ?? [];

        public void Save(WindowMapping<W>[] mapping)
        {
            if (mapping.Length == 0) _mapping.Clear();
            else _mapping.Update(mapping);
        }
    }
}
