using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>One entry of a key's merging-window set in snapshots: an in-flight window and the window its state is kept under.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.WindowMapping")]
internal sealed record WindowMapping<W>([property: Id(0)] W Window, [property: Id(1)] W StateWindow) where W : Window;
