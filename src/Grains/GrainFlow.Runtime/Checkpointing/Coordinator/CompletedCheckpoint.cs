using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// A checkpoint whose <c>_metadata</c> was written: where it is, what it holds, and — from its
/// properties — when its files may be deleted.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.CompletedCheckpoint")]
public sealed record CompletedCheckpoint(
    [property: Id(0)] JobId JobId,
    [property: Id(1)] long CheckpointId,
    [property: Id(2)] DateTimeOffset TriggerTime,
    [property: Id(3)] DateTimeOffset CompletionTime,
    [property: Id(4)] CheckpointProperties Properties,
    [property: Id(5)] string ExternalPath,
    [property: Id(6)] string DirectoryKey,
    [property: Id(7)] long StateSize,
    [property: Id(8)] string StorageLocation)
{
    /// <summary>The key of the <c>_metadata</c> object within the checkpoint store.</summary>
    public string MetadataKey => DirectoryKey + CheckpointLayout.MetadataFileName;

    public bool ShouldBeDiscardedOnSubsume() => Properties.DiscardSubsumed;

    public bool ShouldBeDiscardedOnShutdown(JobStatus status) => Properties.DiscardOnShutdown(status);
}
