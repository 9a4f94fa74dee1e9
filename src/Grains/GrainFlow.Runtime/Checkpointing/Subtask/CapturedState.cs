using GrainFlow.KeyGroups;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// What one operator contributed at the barrier: frozen keyed-state tables (the canonical format) or a backend's
/// native snapshot (<see cref="NativeKeyedState"/>: the files of a local checkpoint, for incremental checkpoints and
/// native savepoints of RocksDB), source offsets, and/or non-keyed operator state (a sink's pending transactions). Immutable.
/// </summary>
internal sealed record CapturedOperatorState(
    string OperatorUid,
    KeyGroupRange? KeyGroups,
    IReadOnlyList<IStateTableSnapshot> Tables,
    IReadOnlyDictionary<string, long>? SourceOffsets,
    byte[]? OperatorState = null,
    INativeKeyedSnapshot? NativeKeyedState = null);
