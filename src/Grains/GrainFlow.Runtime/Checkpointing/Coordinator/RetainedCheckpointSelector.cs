using GrainFlow.Checkpoints;
using GrainFlow.Configuration;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Chooses what an automatic restart restores: the newest retained checkpoint that verifies intact
/// (<see cref="SnapshotVerifier"/>, to the depth asked), passing over damaged newer ones. When checkpoints are retained
/// but every one is damaged the job cannot be restored, and no number of restarts would change that.
/// </summary>
internal static class RetainedCheckpointSelector
{
    /// <param name="retained">The coordinator's retained checkpoints (any order).</param>
    /// <returns>The newest intact checkpoint (null when none is retained) and the damaged ones passed over, newest first.</returns>
    /// <exception cref="NonRecoverableJobException">Checkpoints are retained, and every one is damaged.</exception>
    /// <exception cref="ObjectStoreException">The storage could not be read; a later restart may succeed.</exception>
    public static async Task<(CompletedCheckpoint? Checkpoint, IReadOnlyList<SkippedSnapshot> Skipped)> NewestIntactAsync(
        JobId jobId, IReadOnlyList<CompletedCheckpoint> retained, CheckpointStorage storage, GrainFlowConfiguration configuration,
        SnapshotVerification verification, CancellationToken cancellation = default)
    {
        var skipped = new List<SkippedSnapshot>();
        foreach (var checkpoint in retained.OrderByDescending(c => c.CheckpointId))
        {
            try
            {
                await SnapshotVerifier.OpenVerifiedAsync(storage.StoreFor(checkpoint.StorageLocation, configuration), checkpoint.DirectoryKey, checkpoint.ExternalPath, configuration, cancellation, verification);
                return (checkpoint, skipped);
            }
            catch (InvalidDataException e)
            {
                skipped.Add(new SkippedSnapshot(checkpoint.CheckpointId, checkpoint.ExternalPath.TrimEnd('/'), e.Message, checkpoint.Properties.IsSavepoint));
            }
        }
        if (skipped.Count > 0)
        {
            throw new NonRecoverableJobException(
                $"Job {jobId} cannot be restored: every retained checkpoint is damaged{SkippedSnapshot.Describe(skipped)}");
        }
        return (null, skipped);
    }
}
