namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// A file of a backend's local checkpoint (for RocksDB: the hard links of a RocksDB checkpoint), as the
/// backend lists it for <see cref="IncrementalSnapshotUploader"/>.
/// </summary>
/// <param name="Name">The file's name in the local checkpoint directory (<c>000012.sst</c>, <c>MANIFEST-000005</c>).</param>
/// <param name="Path">Where the file is on the local disk.</param>
/// <param name="Size">Its size in bytes (the upload checks that it reads exactly this many).</param>
public sealed record LocalStateFile(string Name, string Path, long Size)
{
    /// <summary>
    /// Whether the file is immutable and may be shared between checkpoints (RocksDB's SST files, as Flink
    /// decides by the <c>.sst</c> suffix); the others (MANIFEST, CURRENT, OPTIONS) change and are private to each snapshot.
    /// </summary>
    public bool IsShared => Name.EndsWith(".sst", StringComparison.Ordinal);
}
