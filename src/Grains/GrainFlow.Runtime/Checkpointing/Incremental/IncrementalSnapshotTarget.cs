using GrainFlow.Jobs;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Where <see cref="IncrementalSnapshotUploader"/> puts the files of one snapshot: private files in the snapshot's
/// directory, shared ones in <c>&lt;job id&gt;/shared/</c> below <see cref="SharedRootKey"/>, the root of the job's checkpoint
/// storage. A savepoint has no shared root: it holds every file itself (Flink's native savepoint).
/// </summary>
/// <param name="DirectoryKey">The snapshot's directory in <paramref name="Store"/> (<c>…/&lt;job id&gt;/chk-n/</c>, or a savepoint's).</param>
/// <param name="SharedRootKey">The key prefix of the checkpoint storage's root, or null for a savepoint.</param>
public sealed record IncrementalSnapshotTarget(IObjectStore Store, string DirectoryKey, string? SharedRootKey, JobId JobId, long CheckpointId)
{
    /// <summary>The target of checkpoint <paramref name="checkpointId"/> in the job's checkpoint storage.</summary>
    public static IncrementalSnapshotTarget ForCheckpoint(CheckpointStorage storage, JobId jobId, long checkpointId) =>
        new(storage.Store, storage.Key(CheckpointLayout.CheckpointDirectory(jobId, checkpointId)), storage.Key(""), jobId, checkpointId);

    /// <summary>The target of a savepoint written to <paramref name="location"/>: every file private.</summary>
    public static IncrementalSnapshotTarget ForSavepoint(SnapshotLocation location, JobId jobId, long checkpointId) =>
        new(location.Store, location.DirectoryKey, null, jobId, checkpointId);
}
