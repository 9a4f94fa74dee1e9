using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>
/// The in-flight windows of one key for a merging assigner, each mapped to its <em>state window</em>
/// (Flink's <c>MergingWindowSet</c>). When windows merge, their contents are not moved under the new
/// window's name: the merged window keeps the state window of one of its parts, and the state of
/// the other parts is merged into it. So a session that keeps growing keeps one state window, and a
/// late element that bridges two sessions merges their state once.
/// </summary>
/// <remarks>
/// One instance serves every key of an operator (<see cref="Load"/> switches to the current key): it is
/// used for every element and timer, and a key has one or two windows in flight. The mapping is the
/// array kept in state, shared with snapshots, so a change makes a new array instead of writing into it.
/// </remarks>
internal sealed class MergingWindowSet<W> where W : Window
{
    private readonly MergingWindowAssigner<W> _assigner;
    private readonly IMergingWindowStore<W> _store;
    private readonly List<W> _candidates = [];
    private readonly List<(W Result, List<W> Merged)> _merges = [];
    private readonly Action<IReadOnlyCollection<W>, W> _collectMerge;
    private WindowMapping<W>[] _mapping = [];
    private bool _changed;

    /// <summary>A set over <paramref name="store"/>, empty until <see cref="Load"/>.</summary>
    public MergingWindowSet(MergingWindowAssigner<W> assigner, IMergingWindowStore<W> store)
    {
        _assigner = assigner;
        _store = store;
        _collectMerge = (toBeMerged, result) => _merges.Add((result, [.. toBeMerged]));
    }

    /// <summary>Called when windows merge, before the new window is used.</summary>
    /// <param name="mergeResult">The window the others merged into.</param>
    /// <param name="mergedWindows">The in-flight windows that merged (never the newly added window).</param>
    /// <param name="stateWindowResult">The state window of <paramref name="mergeResult"/>: merge state into it.</param>
    /// <param name="mergedStateWindows">The state windows whose state merges into <paramref name="stateWindowResult"/> and is then gone.</param>
    public delegate void MergeFunction(W mergeResult, IReadOnlyCollection<W> mergedWindows, W stateWindowResult, IReadOnlyCollection<W> mergedStateWindows);

    public IReadOnlyList<WindowMapping<W>> Mapping => _mapping;

    /// <summary>Switches to the current key's mapping (what <see cref="Persist"/> wrote last for it).</summary>
    public void Load()
    {
        _mapping = _store.Load();
        _changed = false;
    }

    /// <summary>The window holding the state of the in-flight <paramref name="window"/>, or null when it is not in flight.</summary>
    public W? GetStateWindow(W window)
    {
        var at = IndexOf(_mapping, window);
        return at < 0 ? null : _mapping[at].StateWindow;
    }

    /// <summary>Removes an in-flight window whose state was cleared.</summary>
    public void RetireWindow(W window)
    {
        var at = IndexOf(_mapping, window);
        if (at < 0) throw new InvalidOperationException($"Window {window} is not in the in-flight window set.");
        _mapping = [.. _mapping.AsSpan(0, at), .. _mapping.AsSpan(at + 1)];
        _changed = true;
    }

    /// <summary>
    /// Adds <paramref name="newWindow"/>, merging it and any in-flight windows it bridges; calls
    /// <paramref name="merge"/> for every merge of in-flight windows. Returns the window the new one
    /// ended up in (itself when nothing merged): add the element and call the trigger on that one.
    /// </summary>
    public W AddWindow(W newWindow, MergeFunction merge)
    {
        _candidates.Clear();
        foreach (var entry in _mapping) _candidates.Add(entry.Window);
        _candidates.Add(newWindow);
        _merges.Clear();
        _assigner.MergeWindows(_candidates, _collectMerge);
        if (_merges.Count == 0)
        {
            if (IndexOf(_mapping, newWindow) < 0)
            {
                _mapping = [.. _mapping, new WindowMapping<W>(newWindow, newWindow)];
                _changed = true;
            }
            return newWindow;
        }
        return ApplyMerges(newWindow, merge);
    }

    private W ApplyMerges(W newWindow, MergeFunction merge)
    {
        var mapping = new List<WindowMapping<W>>(_mapping);
        var resultWindow = newWindow;
        var mergedNewWindow = false;
        var changed = false;
        // Collected first and applied after: the assigner may not be called back into while it merges.
        foreach (var (mergeResult, mergedWindows) in _merges)
        {
            // The new window has no state of its own; whatever it merged with owns the state.
            if (mergedWindows.Remove(newWindow))
            {
                mergedNewWindow = true;
                resultWindow = mergeResult;
            }
            if (mergedWindows.Count == 0) continue;
            // A pre-existing window that only absorbed the new window without growing: nothing changes.
            if (mergedWindows.Count == 1 && mergedWindows[0].Equals(mergeResult)) continue;

            // Keep the state window of the earliest part (any would do; a fixed choice keeps restores deterministic).
            var stateWindowResult = mapping[IndexOf(mapping, mergedWindows[0])].StateWindow;
            var mergedStateWindows = new List<W>();
            foreach (var mergedWindow in mergedWindows)
            {
                var at = IndexOf(mapping, mergedWindow);
                if (at < 0) continue;
                if (!mapping[at].StateWindow.Equals(stateWindowResult)) mergedStateWindows.Add(mapping[at].StateWindow);
                mapping.RemoveAt(at);
            }
            mapping.Add(new WindowMapping<W>(mergeResult, stateWindowResult));
            changed = true;
            merge(mergeResult, mergedWindows, stateWindowResult, mergedStateWindows);
        }

        if (!mergedNewWindow && IndexOf(mapping, newWindow) < 0)
        {
            mapping.Add(new WindowMapping<W>(newWindow, newWindow));
            changed = true;
        }
        if (changed)
        {
            _mapping = [.. mapping];
            _changed = true;
        }
        return resultWindow;
    }

    /// <summary>Writes the mapping back to the store if it changed since it was loaded.</summary>
    public void Persist()
    {
        if (!_changed) return;
        _store.Save(_mapping);
        _changed = false;
    }

    private static int IndexOf(IReadOnlyList<WindowMapping<W>> mapping, W window)
    {
        for (var i = 0; i < mapping.Count; i++)
        {
            if (mapping[i].Window.Equals(window)) return i;
        }
        return -1;
    }
}
