using GrainFlow.Checkpoints;
using GrainFlow.Jobs;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The last step of a checkpoint on storage (Flink's <c>PendingCheckpoint.finalizeCheckpoint</c>): every shared file
/// its acknowledgements reference must be one a retained checkpoint or this one uploaded, and <c>_metadata</c> is
/// written last and only if absent — a <c>chk-n</c> with <c>_metadata</c> is complete, one without never was.
/// </summary>
internal static class CheckpointFinalizer
{
    /// <summary>What finalizing gave: the shared files of the retained checkpoints to register it with (none for a savepoint), or why it cannot complete.</summary>
    public readonly record struct Outcome(SharedStateFiles? Shared, string? Failure);

    /// <param name="sharedState">The job's cleaner for a checkpoint; null for a savepoint, which shares no file with the job's checkpoints.</param>
    public static async Task<Outcome> WriteMetadataAsync(
        JobId jobId, PendingCheckpoint pending, CheckpointMetadata metadata, SnapshotLocation location,
        CheckpointsCleaner? sharedState, IReadOnlyList<CompletedCheckpoint> retained)
    {
        SharedStateFiles? shared = null;
        if (sharedState is not null)
        {
            try
            {
                shared = await sharedState.SharedAsync(retained);
            }
            catch (ObjectStoreException e)
            {
                return new Outcome(null, $"reading the retained checkpoints' _metadata failed: {e.Message}");
            }
            if (shared.Registry.UnknownReference(pending.CheckpointId, IncrementalStateReferences.SharedPaths(metadata)) is { } unknown)
            {
                return new Outcome(null, $"Checkpoint {pending.CheckpointId} of job {jobId} cannot complete: {unknown}.");
            }
        }
        try
        {
            await location.Store.PutAsync(location.DirectoryKey + CheckpointLayout.MetadataFileName, metadata.ToBytes(), WriteCondition.IfNotExists);
        }
        catch (ObjectStoreException e)
        {
            return new Outcome(null, $"writing _metadata failed: {e.Message}");
        }
        return new Outcome(shared, null);
    }
}
