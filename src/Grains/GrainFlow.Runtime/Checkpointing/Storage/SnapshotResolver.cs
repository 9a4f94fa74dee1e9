using GrainFlow.Configuration;
using GrainFlow.Errors;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Opens a snapshot a user named — a savepoint or retained checkpoint directory, or its <c>_metadata</c>,
/// as a path or blob URL — with Flink's error messages when it is not there or not readable.
/// </summary>
public static class SnapshotResolver
{
    /// <exception cref="SavepointException">Not a location, nothing there, no <c>_metadata</c>, damaged metadata, or storage unreachable.</exception>
    public static async Task<(SnapshotLocation Location, CheckpointMetadata Metadata)> OpenAsync(
        string path, GrainFlowConfiguration configuration, CancellationToken cancellationToken = default)
    {
        var directory = path.Trim().TrimEnd('/');
        if (directory.EndsWith("/" + CheckpointLayout.MetadataFileName, StringComparison.Ordinal))
        {
            directory = directory[..^(CheckpointLayout.MetadataFileName.Length + 1)];
        }
        SnapshotLocation location;
        try
        {
            location = SnapshotLocation.At(directory, configuration);
        }
        catch (ArgumentException e)
        {
            throw new SavepointException($"Cannot restore from '{path}': {e.Message}");
        }
        try
        {
            var stored = await location.Store.GetAsync(CheckpointLayout.MetadataFileName, cancellationToken);
            if (stored is null)
            {
                var anything = false;
                await foreach (var _ in location.Store.ListAsync("", cancellationToken))
                {
                    anything = true;
                    break;
                }
                throw new SavepointException(anything
                    ? $"Cannot find meta data file '_metadata' in directory '{directory}'. Please try to load the checkpoint/savepoint directly from the metadata file instead of the directory."
                    : $"Cannot find checkpoint or savepoint file/directory '{path}' on file system '{SchemeOf(directory)}'.");
            }
            return (location, CheckpointMetadata.FromBytes(stored.Data, directory));
        }
        catch (InvalidDataException e)
        {
            throw new SavepointException($"Cannot restore from '{path}': {e.Message}", e);
        }
        catch (ObjectStoreException e)
        {
            throw new SavepointException($"Cannot read the snapshot at '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Opens the snapshot and verifies it entirely (<see cref="SnapshotVerifier"/>) — what a job about
    /// to start from it needs, before anything of the job exists.
    /// </summary>
    /// <exception cref="SavepointException">As <see cref="OpenAsync"/>, or a state file is missing or damaged (the message names it).</exception>
    public static async Task<(SnapshotLocation Location, CheckpointMetadata Metadata)> OpenVerifiedAsync(
        string path, GrainFlowConfiguration configuration, CancellationToken cancellationToken = default)
    {
        var (location, metadata) = await OpenAsync(path, configuration, cancellationToken);
        try
        {
            await SnapshotVerifier.VerifyAsync(location.Store, location.DirectoryKey, location.ExternalPath, metadata, configuration, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw new SavepointException($"Cannot restore from '{path}': {e.Message}", e);
        }
        catch (ObjectStoreException e)
        {
            throw new SavepointException($"Cannot read the snapshot at '{path}': {e.Message}", e);
        }
        return (location, metadata);
    }

    private static string SchemeOf(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out var uri) && !Path.IsPathFullyQualified(location) ? uri.Scheme : "file";
}
