using GrainFlow.KeyGroups;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>What one operator contributed at the barrier: frozen keyed-state tables and/or source offsets. Immutable.</summary>
internal sealed record CapturedOperatorState(
    string OperatorUid,
    KeyGroupRange? KeyGroups,
    IReadOnlyList<IStateTableSnapshot> Tables,
    IReadOnlyDictionary<string, long>? SourceOffsets);
