using GrainFlow.KeyGroups;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>What a subtask acknowledges for a checkpoint: the handles of its operators' state and how long each phase took.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.SubtaskSnapshot")]
public sealed record SubtaskSnapshot(
    [property: Id(0)] string VertexUid,
    [property: Id(1)] int SubtaskIndex,
    [property: Id(2)] IReadOnlyList<OperatorSnapshot> Operators,
    [property: Id(3)] TimeSpan SyncDuration,
    [property: Id(4)] TimeSpan AsyncDuration,
    [property: Id(5)] TimeSpan AlignmentDuration)
{
    /// <summary>The bytes this checkpoint wrote for the subtask (Flink's checkpointed size): of incremental state only what it uploaded.</summary>
    public long StateSize => Operators.Sum(o => (o.State?.Size ?? 0) + (o.IncrementalState?.CheckpointedSize ?? 0));

    /// <summary>The bytes of the subtask's whole state (Flink's state size): incremental state with the shared files it references again.</summary>
    public long FullStateSize => Operators.Sum(o => (o.State?.Size ?? 0) + (o.IncrementalState?.StateSize ?? 0));
}

/// <summary>
/// The state one operator of one subtask contributed: keyed state (per key-group range), source
/// offsets, and small non-keyed operator state (a sink's pending transactions), kept inline. Keyed state
/// is either <see cref="State"/> (the canonical format, one section of a file or inline) or
/// <see cref="IncrementalState"/> (the files of a backend's incremental snapshot), never both.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.OperatorSnapshot")]
public sealed record OperatorSnapshot(
    [property: Id(0)] string OperatorUid,
    [property: Id(1)] KeyGroupRange? KeyGroups,
    [property: Id(2)] StateHandle? State,
    [property: Id(3)] IReadOnlyDictionary<string, long>? SourceOffsets,
    [property: Id(4)] byte[]? OperatorState = null,
    [property: Id(5)] IncrementalKeyedStateHandle? IncrementalState = null);

/// <summary>
/// Where a piece of state is: a file relative to the checkpoint directory (so a savepoint can be
/// moved), or the bytes inline in <c>_metadata</c> when they are small. Offsets locate each key
/// group's section within the bytes, so a restore with another parallelism reads only its groups.
/// <see cref="ChecksumAlgorithm"/> names how <see cref="Checksum"/> was computed (see
/// <see cref="Checkpointing.StateChecksum"/>; null in snapshots from before it was recorded: XxHash64).
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.StateHandle")]
public sealed record StateHandle(
    [property: Id(0)] string? RelativePath,
    [property: Id(1)] byte[]? InlineData,
    [property: Id(2)] long Offset,
    [property: Id(3)] long Size,
    [property: Id(4)] ulong Checksum,
    [property: Id(5)] IReadOnlyDictionary<int, long> KeyGroupOffsets,
    [property: Id(6)] string? ChecksumAlgorithm = null);

/// <summary>A subtask of a job graph, as the coordinator counts acknowledgements.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.SubtaskId")]
public readonly record struct SubtaskId([property: Id(0)] string VertexUid, [property: Id(1)] int Index)
{
    public override string ToString() => $"{VertexUid}/{Index}";
}
