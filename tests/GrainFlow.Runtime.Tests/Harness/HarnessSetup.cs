using GrainFlow.Runtime.Operators;
using GrainFlow.Savepoints;

namespace GrainFlow.Runtime.Tests.Harness;

/// <summary>
/// Where a harness's operator runs and what it starts from: its subtask of <see cref="Parallelism"/>,
/// the snapshots of the old subtasks to restore (each keeps only the key groups this subtask owns, as
/// a restore at another parallelism does), the format its snapshots are written in, the state
/// backend it keeps its keyed state in (a <c>state.backend.type</c> of <see cref="State.StateBackendsUnderTest"/>),
/// and more job settings (<c>execution.checkpointing.incremental</c>, <c>state.backend.rocksdb.localdir</c>).
/// <see cref="Restore"/>, when given, is what the subtask grain's restore loaded (<see cref="Checkpointing.SubtaskStateRestorer"/>)
/// and replaces <see cref="RestoreFrom"/>.
/// </summary>
internal sealed record HarnessSetup(
    int SubtaskIndex = 0,
    int Parallelism = 1,
    int MaxParallelism = 128,
    IReadOnlyList<HarnessSnapshot>? RestoreFrom = null,
    SavepointFormatType Format = SavepointFormatType.Native,
    ISideOutputs? SideOutputs = null,
    string Backend = State.StateBackendsUnderTest.Heap,
    IReadOnlyDictionary<string, string>? Settings = null,
    OperatorRestore? Restore = null);

/// <summary>The keyed state of the harness's operator as the snapshot writer stored it: the section's bytes and where each key group starts.</summary>
public sealed record HarnessSnapshot(byte[] Data, IReadOnlyDictionary<int, long> KeyGroupOffsets);

/// <summary>A record the operator emitted, with the event-time timestamp it carried (null when none).</summary>
public readonly record struct TimestampedValue<T>(T Value, long? Timestamp);
