using GrainFlow.Checkpoints;
using GrainFlow.Configuration;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Finds the newest intact snapshot of a job name — a retained checkpoint under the checkpoint
/// directory (any job id) or a savepoint in the savepoint directory — for <c>grainflow run --resume latest</c>:
/// a restarted job gets a new id, and this is how it still finds its state. Newer snapshots that are
/// damaged (their <c>_metadata</c> unreadable or a state file wrong) are passed over and reported.
/// </summary>
internal static class LatestSnapshotFinder
{
    public sealed record Result(string? Location, CheckpointMetadata? Metadata, IReadOnlyList<string> Searched, IReadOnlyList<SkippedSnapshot> Skipped);

    private sealed record Candidate(IObjectStore Store, string DirectoryKey, string Location, CheckpointMetadata Metadata);

    /// <summary>The newest intact snapshot's directory and metadata (null when none), the places searched and the damaged ones skipped.</summary>
    /// <exception cref="ObjectStoreException">A store could not be read (which says nothing about the snapshots in it).</exception>
    public static async Task<Result> FindAsync(
        string jobName, GrainFlowConfiguration configuration, CheckpointStorage checkpoints, CancellationToken cancellationToken = default)
    {
        var candidates = new List<Candidate>();
        var skipped = new List<SkippedSnapshot>();
        var searched = new List<string> { checkpoints.ExternalPath("") };
        await CollectAsync(checkpoints.Store, checkpoints.Prefix, checkpoints, jobName, candidates, skipped, cancellationToken);
        if (configuration.GetOptionalString(CheckpointingOptions.SavepointDirectory) is { } savepoints)
        {
            var location = SnapshotLocation.At(savepoints, configuration);
            searched.Add(location.ExternalPath);
            await CollectAsync(location.Store, "", CheckpointStorage.OnStore(location.Store), jobName, candidates, skipped, cancellationToken);
        }
        foreach (var candidate in candidates.OrderByDescending(c => c.Metadata.CompletionTime).ThenByDescending(c => c.Metadata.CheckpointId))
        {
            try
            {
                await SnapshotVerifier.VerifyAsync(candidate.Store, candidate.DirectoryKey, candidate.Location, candidate.Metadata, configuration, cancellationToken);
                return new Result(candidate.Location, candidate.Metadata, searched, skipped);
            }
            catch (InvalidDataException e)
            {
                skipped.Add(new SkippedSnapshot(candidate.Metadata.CheckpointId, candidate.Location, e.Message, candidate.Metadata.IsSavepoint));
            }
        }
        return new Result(null, null, searched, skipped);
    }

    private static async Task CollectAsync(IObjectStore store, string prefix, CheckpointStorage storage, string jobName,
        List<Candidate> candidates, List<SkippedSnapshot> skipped, CancellationToken cancellationToken)
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
            var location = storage.ExternalPath(directoryKey[storage.Prefix.Length..]).TrimEnd('/');
            try
            {
                var metadata = CheckpointMetadata.FromBytes(stored.Data, location);
                if (metadata.JobName == jobName) candidates.Add(new Candidate(store, directoryKey, location, metadata));
            }
            catch (InvalidDataException e)
            {
                // Damaged metadata of another job is none of this job's business; of this job (or of no
                // telling whose) it is a snapshot passed over, and it must be said.
                if (CheckpointMetadata.PeekJobName(stored.Data) is not { } owner || owner == jobName) skipped.Add(new SkippedSnapshot(null, location, e.Message));
            }
        }
    }
}
