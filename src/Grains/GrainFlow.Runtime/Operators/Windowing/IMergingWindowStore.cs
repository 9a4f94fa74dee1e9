using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>Where the current key's merging-window mapping (in-flight window → state window) is kept: keyed state of the window operator.</summary>
internal interface IMergingWindowStore<W> where W : Window
{
    IReadOnlyList<(W Window, W StateWindow)> Load();

    /// <summary>Replaces the current key's mapping; an empty one removes it.</summary>
    void Save(IReadOnlyList<(W Window, W StateWindow)> mapping);
}
