using GrainFlow.Savepoints;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Where a savepoint goes and how it is written: a self-contained directory (<see cref="Location"/>,
/// a path or blob URL) holding <c>_metadata</c> and every data file by relative path, so the folder
/// can be moved or copied anywhere and still restores.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.SnapshotTarget")]
public sealed record SnapshotTarget(
    [property: Id(0)] string Location,
    [property: Id(1)] SavepointFormatType Format);
