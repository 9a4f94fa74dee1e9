namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The one check of a state file name read from <c>_metadata</c>: a plain file name in the snapshot's
/// own directory (what GrainFlow writes: <c>&lt;vertex uid&gt;-&lt;subtask&gt;-&lt;random&gt;.state</c>; a uid may hold a
/// '/'), never a path that leads elsewhere (rooted, <c>..</c>, backslashes), so that neither a restore
/// nor a deletion can be pointed outside the snapshot.
/// </summary>
public static class StateFileName
{
    /// <exception cref="InvalidDataException"><paramref name="name"/> is empty, leads outside the directory, is <c>_metadata</c> itself, or holds control characters.</exception>
    public static string Validate(string? name, string metadataFile)
    {
        if (string.IsNullOrWhiteSpace(name) || name == CheckpointLayout.MetadataFileName || name.Contains('\\') || name.Any(char.IsControl)
            || name.Split('/').Any(segment => segment is "" or "." or ".." || segment.Trim() != segment))
        {
            throw new InvalidDataException(
                $"'{metadataFile}' refers to the state file '{name}', which is not a file name inside the snapshot's directory; the metadata is damaged or was edited.");
        }
        return name;
    }
}
