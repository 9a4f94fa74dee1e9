using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>Where the current key's merging-window mapping (in-flight window → state window) is kept: keyed state of the window operator.</summary>
internal interface IMergingWindowStore<W> where W : Window
{
    /// <summary>The current key's mapping, empty when it has none. Shared with the state (and a snapshot): never change it.</summary>
    WindowMapping<W>[] Load();

    /// <summary>Replaces the current key's mapping; an empty one removes it.</summary>
    void Save(WindowMapping<W>[] mapping);
}
