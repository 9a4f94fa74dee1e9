using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>
/// What the window logic needs of the keyed operator hosting it: keyed state of the current key,
/// namespaced by window, and one timer service whose timers carry their key and window. All of it is
/// keyed state, so it is in every snapshot and follows its key group when parallelism changes.
/// Timers are deduplicated per (key, window, time), as Flink's timer service does: a trigger timer and
/// a cleanup timer at the same time fire once.
/// </summary>
internal interface IWindowOperatorState<W> where W : Window
{
    long CurrentWatermark { get; }

    long CurrentProcessingTime { get; }

    /// <summary>State named <paramref name="name"/> of the current key, one value per window.</summary>
    INamespacedValueState<W, TValue> GetWindowState<TValue>(string name);

    /// <summary>State named <paramref name="name"/> of the current key, shared by all its windows.</summary>
    IValueState<TValue> GetKeyState<TValue>(string name);

    void RegisterEventTimeTimer(W window, long time);

    void DeleteEventTimeTimer(W window, long time);

    void RegisterProcessingTimeTimer(W window, long time);

    void DeleteProcessingTimeTimer(W window, long time);
}

/// <summary>One value per window of the current key.</summary>
internal interface INamespacedValueState<in W, TValue>
{
    bool TryGet(W window, out TValue value);

    void Update(W window, TValue value);

    void Clear(W window);
}
