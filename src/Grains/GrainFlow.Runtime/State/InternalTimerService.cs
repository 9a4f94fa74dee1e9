using System.Runtime.CompilerServices;
using GrainFlow.Runtime.Operators;

namespace GrainFlow.Runtime.State;

/// <summary>What the operator drives on every timer service it owns, whatever their namespace type.</summary>
internal interface IInternalTimerService
{
    string Name { get; }

    /// <summary>Event time advanced to <paramref name="watermark"/>: fires every event-time timer at or before it, in time order.</summary>
    void AdvanceWatermark(long watermark);

    /// <summary>Fires every processing-time timer at or before <paramref name="now"/>, in time order.</summary>
    void OnProcessingTime(long now);
}

/// <summary>
/// The processing-time and event-time timers of one keyed operator subtask, named, for the backend's
/// current key and a namespace (Flink's InternalTimerServiceImpl). Both kinds are keyed state (see
/// <see cref="IKeyGroupedTimerQueue{TKey, TNamespace}"/>): part of every snapshot, restored and redistributed per
/// key group. A timer is unregistered before it fires, so one that fired before a checkpoint is not in
/// it, and after a restore it does not fire again.
/// </summary>
internal sealed class InternalTimerService<TKey, TNamespace> : IInternalTimerService where TKey : notnull where TNamespace : notnull
{
    private readonly IKeyedStateBackend<TKey> _backend;
    private readonly ITriggerable<TKey, TNamespace> _triggerable;
    private readonly TimeProvider _time;
    private readonly RecordTimestamp _timestamp;
    private readonly IKeyGroupedTimerQueue<TKey, TNamespace> _processingTime;
    private readonly IKeyGroupedTimerQueue<TKey, TNamespace> _eventTime;

    /// <summary>Call after the backend received its restored state: the timers in it are queued again.</summary>
    public InternalTimerService(string name, IKeyedStateBackend<TKey> backend, ITriggerable<TKey, TNamespace> triggerable, TimeProvider time, RecordTimestamp timestamp)
    {
        Name = name;
        _backend = backend;
        _triggerable = triggerable;
        _time = time;
        _timestamp = timestamp;
        _processingTime = backend.CreateTimerQueue<TNamespace>(TimerStateNames.Processing(name));
        _eventTime = backend.CreateTimerQueue<TNamespace>(TimerStateNames.Event(name));
    }

    public string Name { get; }

    public long CurrentProcessingTime => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The last watermark this service advanced to; <see cref="long.MinValue"/> before the first.</summary>
    public long CurrentWatermark { get; private set; } = long.MinValue;

    public long NumProcessingTimeTimers => _processingTime.Count;

    public long NumEventTimeTimers => _eventTime.Count;

    /// <summary>The registered processing-time timers with their key groups, in no particular order.</summary>
    public IEnumerable<(int KeyGroup, InternalTimer<TKey, TNamespace> Timer)> ProcessingTimeTimers => _processingTime.All;

    /// <summary>The registered event-time timers with their key groups, in no particular order.</summary>
    public IEnumerable<(int KeyGroup, InternalTimer<TKey, TNamespace> Timer)> EventTimeTimers => _eventTime.All;

    public void RegisterProcessingTimeTimer(TNamespace ns, long time) => _processingTime.Register(_backend.CurrentGroupIndex, _backend.CurrentKey, ns, time);

    public void DeleteProcessingTimeTimer(TNamespace ns, long time) => _processingTime.Delete(_backend.CurrentGroupIndex, _backend.CurrentKey, ns, time);

    public void RegisterEventTimeTimer(TNamespace ns, long time) => _eventTime.Register(_backend.CurrentGroupIndex, _backend.CurrentKey, ns, time);

    public void DeleteEventTimeTimer(TNamespace ns, long time) => _eventTime.Delete(_backend.CurrentGroupIndex, _backend.CurrentKey, ns, time);

    public void AdvanceWatermark(long watermark)
    {
        CurrentWatermark = watermark;
        // A timer registered while firing, at or before the watermark, fires in this same loop (as in Flink).
        while (FireTimer(_eventTime, watermark, eventTime: true)) { }
    }

    public void OnProcessingTime(long now)
    {
        while (FireTimer(_processingTime, now, eventTime: false)) { }
    }

    // One timer per call, never inlined into the loops above: those run once per watermark (every 200 ms),
    // too rarely to leave the unoptimized tier, so a loop body firing thousands of timers would run as
    // on-stack-replacement code; a method called once per timer is optimized like any hot method.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool FireTimer(IKeyGroupedTimerQueue<TKey, TNamespace> timers, long time, bool eventTime)
    {
        if (!timers.TryTakeDue(time, out var timer)) return false;
        _backend.SetCurrentKey(timer.Key);
        _timestamp.Current = eventTime ? timer.Timestamp : RecordTimestamp.None;
        if (eventTime) _triggerable.OnEventTime(timer);
        else _triggerable.OnProcessingTime(timer);
        return true;
    }
}
