using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>
/// The in-flight windows of one key for a merging assigner, each mapped to its <em>state window</em>
/// (Flink's <c>MergingWindowSet</c>). When windows merge, their contents are not moved under the new
/// window's name: the merged window keeps the state window of one of its parts, and the state of
/// the other parts is merged into it. So a session that keeps growing keeps one state window, and a
/// late element that bridges two sessions merges their state once.
/// </summary>
internal sealed class MergingWindowSet<W> where W : Window
{
    private readonly MergingWindowAssigner<W> _assigner;
    private readonly IMergingWindowStore<W> _store;
    private readonly Dictionary<W, W> _mapping;
    private bool _changed;

    /// <summary>Loads the current key's mapping from <paramref name="store"/>.</summary>
    public MergingWindowSet(MergingWindowAssigner<W> assigner, IMergingWindowStore<W> store)
    {
        _assigner = assigner;
        _store = store;
        _mapping = new Dictionary<W, W>();
        foreach (var (window, stateWindow) in store.Load()) _mapping[window] = stateWindow;
    }

    /// <summary>Called when windows merge, before the new window is used.</summary>
    /// <param name="mergeResult">The window the others merged into.</param>
    /// <param name="mergedWindows">The in-flight windows that merged (never the newly added window).</param>
    /// <param name="stateWindowResult">The state window of <paramref name="mergeResult"/>: merge state into it.</param>
    /// <param name="mergedStateWindows">The state windows whose state merges into <paramref name="stateWindowResult"/> and is then gone.</param>
    public delegate void MergeFunction(W mergeResult, IReadOnlyCollection<W> mergedWindows, W stateWindowResult, IReadOnlyCollection<W> mergedStateWindows);

    public IReadOnlyDictionary<W, W> Mapping => _mapping;

    /// <summary>The window holding the state of the in-flight <paramref name="window"/>, or null when it is not in flight.</summary>
    public W? GetStateWindow(W window) => _mapping.GetValueOrDefault(window);

    /// <summary>Removes an in-flight window whose state was cleared.</summary>
    public void RetireWindow(W window)
    {
        if (!_mapping.Remove(window)) throw new InvalidOperationException($"Window {window} is not in the in-flight window set.");
        _changed = true;
    }

    /// <summary>
    /// Adds <paramref name="newWindow"/>, merging it and any in-flight windows it bridges; calls
    /// <paramref name="merge"/> for every merge of in-flight windows. Returns the window the new one
    /// ended up in (itself when nothing merged): add the element and call the trigger on that one.
    /// </summary>
    public W AddWindow(W newWindow, MergeFunction merge)
    {
        var mergeResults = new List<(W Result, List<W> Merged)>();
        _assigner.MergeWindows(_mapping.Keys.Append(newWindow), (toBeMerged, result) => mergeResults.Add((result, toBeMerged.ToList())));

        var resultWindow = newWindow;
        var mergedNewWindow = false;
        foreach (var (mergeResult, mergedWindows) in mergeResults)
        {
            // The new window has no state of its own; whatever it merged with owns the state.
            if (mergedWindows.Remove(newWindow))
            {
                mergedNewWindow = true;
                resultWindow = mergeResult;
            }
            if (mergedWindows.Count == 0) continue;

            // Keep the state window of the earliest part (any would do; a fixed choice keeps restores deterministic).
            var stateWindowResult = _mapping[mergedWindows[0]];
            var mergedStateWindows = new List<W>();
            foreach (var mergedWindow in mergedWindows)
            {
                if (_mapping.Remove(mergedWindow, out var stateWindow) && !stateWindow.Equals(stateWindowResult)) mergedStateWindows.Add(stateWindow);
            }
            _mapping[mergeResult] = stateWindowResult;
            _changed = true;

            // A pre-existing window that only absorbed the new window without growing merges nothing.
            if (!(mergedWindows.Count == 1 && mergedWindows[0].Equals(mergeResult)))
            {
                merge(mergeResult, mergedWindows, stateWindowResult, mergedStateWindows);
            }
        }

        if (!mergedNewWindow && !_mapping.ContainsKey(newWindow))
        {
            _mapping[newWindow] = newWindow;
            _changed = true;
        }
        return resultWindow;
    }

    /// <summary>Writes the mapping back to the store if it changed since it was loaded.</summary>
    public void Persist()
    {
        if (!_changed) return;
        _store.Save(_mapping.Select(entry => (entry.Key, entry.Value)).ToList());
        _changed = false;
    }
}
