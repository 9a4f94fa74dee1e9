namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// A group of elements that a window function sees together (Flink's <c>Window</c>). Windows are
/// values: two windows with the same bounds are the same window, so they can name keyed state.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record Window
{
    /// <summary>The largest timestamp that still belongs to this window; results of the window carry it.</summary>
    public abstract long MaxTimestamp { get; }
}
