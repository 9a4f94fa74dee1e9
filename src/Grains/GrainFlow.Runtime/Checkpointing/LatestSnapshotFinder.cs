using GrainFlow.Configuration;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Finds the newest completed snapshot of a job name — a retained checkpoint under the checkpoint
/// directory (any job id) or a savepoint in the savepoint directory — for <c>grainflow run --resume latest</c>:
/// a restarted job gets a new id, and this is how it still finds its state.
/// </summary>
internal static class LatestSnapshotFinder
{
    /// <summary>The newest snapshot's directory and metadata, or null with the places that were searched.</summary>
    public static async Task<(string? Location, CheckpointMetadata? Metadata, IReadOnlyList<string> Searched)> FindAsync(
        string jobName, GrainFlowConfiguration configuration, CheckpointStorage checkpoints, CancellationToken cancellationToken = default)
    {
        var candidates = new List<(string Location, CheckpointMetadata Metadata)>();
        var searched = new List<string> { checkpoints.ExternalPath("") };
        await CollectAsync(checkpoints.Store, checkpoints.Prefix, checkpoints, jobName, candidates, cancellationToken);
        if (configuration.GetOptionalString(CheckpointingOptions.SavepointDirectory) is { } savepoints)
        {
            var location = SnapshotLocation.At(savepoints, configuration);
            searched.Add(location.ExternalPath);
            await CollectAsync(location.Store, "", CheckpointStorage.OnStore(location.Store), jobName, candidates, cancellationToken);
        }
        var newest = candidates.OrderByDescending(c => c.Metadata.CompletionTime).ThenByDescending(c => c.Metadata.CheckpointId).FirstOrDefault();
        return (newest.Location, newest.Metadata, searched);
    }

    private static async Task CollectAsync(IObjectStore store, string prefix, CheckpointStorage storage, string jobName,
        List<(string, CheckpointMetadata)> candidates, CancellationToken cancellationToken)
    {
        var metadataKeys = new List<string>();
        await foreach (var info in store.ListAsync(prefix, cancellationToken))
        {
            if (info.Key.EndsWith("/" + CheckpointLayout.MetadataFileName, StringComparison.Ordinal)) metadataKeys.Add(info.Key);
        }
        foreach (var key in metadataKeys)
        {
            var stored = await store.GetAsync(key, cancellationToken);
            if (stored is null) continue;
            var directoryKey = key[..^CheckpointLayout.MetadataFileName.Length];
            CheckpointMetadata metadata;
            try
            {
                metadata = CheckpointMetadata.FromBytes(stored.Data, directoryKey);
            }
            catch (InvalidDataException)
            {
                continue; // not ours, or from a newer version: not a candidate
            }
            if (metadata.JobName == jobName) candidates.Add((storage.ExternalPath(directoryKey[storage.Prefix.Length..]).TrimEnd('/'), metadata));
        }
    }
}
