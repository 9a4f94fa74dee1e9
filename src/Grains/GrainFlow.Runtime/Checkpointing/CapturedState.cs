using GrainFlow.KeyGroups;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// What one operator contributed at the barrier: frozen keyed-state tables, source offsets, and/or
/// non-keyed operator state (a sink's pending transactions). Immutable.
/// </summary>
internal sealed record CapturedOperatorState(
    string OperatorUid,
    KeyGroupRange? KeyGroups,
    IReadOnlyList<IStateTableSnapshot> Tables,
    IReadOnlyDictionary<string, long>? SourceOffsets,
    byte[]? OperatorState = null);
