namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The keyed state of one operator of one subtask as an incremental snapshot (Flink's
/// IncrementalRemoteKeyedStateHandle): the files of a local backend checkpoint, each uploaded once.
/// <see cref="SharedState"/> are immutable files (RocksDB's SST files) in <c>&lt;job id&gt;/shared/</c>, which later
/// checkpoints reference again instead of uploading them anew; <see cref="PrivateState"/> are the files only this
/// snapshot uses (MANIFEST, CURRENT, OPTIONS), in the snapshot's own directory.
/// </summary>
/// <param name="BackendIdentifier">The backend instance that wrote the files (32 hex), new for each instance.</param>
/// <param name="CheckpointId">The checkpoint this handle belongs to.</param>
/// <param name="ChecksumAlgorithm">How the files' checksums were computed (see <see cref="StateChecksum"/>).</param>
[GenerateSerializer, Immutable, Alias("grainflow.IncrementalKeyedStateHandle")]
public sealed record IncrementalKeyedStateHandle(
    [property: Id(0)] string BackendIdentifier,
    [property: Id(1)] long CheckpointId,
    [property: Id(2)] IReadOnlyList<HandleAndLocalPath> SharedState,
    [property: Id(3)] IReadOnlyList<HandleAndLocalPath> PrivateState,
    [property: Id(4)] string ChecksumAlgorithm)
{
    /// <summary>The bytes of every file the snapshot needs (Flink's full state size).</summary>
    public long StateSize => SharedState.Sum(f => f.Size) + PrivateState.Sum(f => f.Size);

    /// <summary>
    /// The bytes this snapshot uploaded itself (Flink's checkpointed size): its private files and the shared files it
    /// added, told by their names (<see cref="CheckpointLayout.IncrementalFileName"/>: this backend instance and checkpoint);
    /// the shared files of earlier checkpoints it references again are not counted.
    /// </summary>
    public long CheckpointedSize => PrivateState.Sum(f => f.Size) + SharedState.Where(f => f.Path.Contains($"-{BackendIdentifier}-{CheckpointId}-", StringComparison.Ordinal)).Sum(f => f.Size);
}

/// <summary>
/// One file of an incremental snapshot (Flink's HandleAndLocalPath): the name it has in the backend's local
/// directory, where it was uploaded, its size and checksum.
/// </summary>
/// <param name="LocalPath">The file's name in the backend's local checkpoint directory (e.g. <c>000012.sst</c>).</param>
/// <param name="Path">
/// A shared file: <c>&lt;job id&gt;/shared/&lt;name&gt;</c>, relative to the root of the checkpoint storage that holds the
/// snapshot (a checkpoint of a job claimed from the same storage may name the shared files of that job). A private
/// file: its name in the snapshot's directory. Checked once, when <c>_metadata</c> is read (<see cref="IncrementalStateReferences"/>).
/// </param>
[GenerateSerializer, Immutable, Alias("grainflow.HandleAndLocalPath")]
public sealed record HandleAndLocalPath(
    [property: Id(0)] string LocalPath,
    [property: Id(1)] string Path,
    [property: Id(2)] long Size,
    [property: Id(3)] ulong Checksum);
