namespace GrainFlow.Runtime.Checkpointing;

/// <summary>The state files a snapshot's <c>_metadata</c> references, each checked by <see cref="StateFileName"/> before anything acts on them.</summary>
public static class SnapshotFileReferences
{
    /// <summary>Every distinct file the handles of <paramref name="metadata"/> name, in the order they appear.</summary>
    /// <param name="snapshotPath">The snapshot's external path, for the error message.</param>
    /// <exception cref="InvalidDataException">A name points outside the snapshot's directory.</exception>
    public static IReadOnlyList<string> Of(CheckpointMetadata metadata, string snapshotPath)
    {
        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var handles = metadata.Vertices.SelectMany(v => v.Subtasks).SelectMany(s => s.Operators).Select(o => o.State);
        foreach (var name in handles.Select(h => h?.RelativePath).OfType<string>())
        {
            if (StateFileName.Problem(name) is { } problem)
            {
                throw new InvalidDataException(
                    $"The _metadata of '{snapshotPath}' references the state file '{StateFileName.Printable(name)}', which {problem}; a snapshot's files must lie inside its own directory.");
            }
            if (seen.Add(name)) files.Add(name);
        }
        return files;
    }
}
