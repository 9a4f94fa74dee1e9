namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The one check of a state file name read from <c>_metadata</c>: a plain file name in the snapshot's
/// own directory (what GrainFlow writes: <c>&lt;vertex uid&gt;-&lt;subtask&gt;-&lt;random&gt;.state</c>; a uid may hold a
/// '/'), never a path that leads elsewhere (rooted, <c>..</c>, backslashes), so that neither a restore
/// nor a deletion can be pointed outside the snapshot. A <c>_metadata</c> is external input: a user may
/// have edited, copied or forged it.
/// </summary>
public static class StateFileName
{
    /// <exception cref="InvalidDataException"><paramref name="name"/> is not a file name inside the snapshot's directory (see <see cref="Problem"/>).</exception>
    public static string Validate(string? name, string metadataFile) =>
        Problem(name) is { } problem
            ? throw new InvalidDataException(
                $"'{metadataFile}' refers to the state file '{Printable(name)}', which is not a file name inside the snapshot's directory (it {problem}); the metadata is damaged or was edited.")
            : name!;

    /// <summary>Why <paramref name="name"/> is not a state file name inside the snapshot's directory, or null when it is.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "is empty";
        if (name == CheckpointLayout.MetadataFileName) return "is the snapshot's _metadata itself";
        if (name.Any(char.IsControl)) return "contains control characters";
        if (name.Contains('\\')) return "contains '\\'";
        if (name[0] == '/' || Path.IsPathRooted(name)) return "is an absolute path";
        var segments = name.Split('/');
        if (segments.Any(segment => segment is "" or "." or "..")) return "contains a '.', '..' or empty segment";
        if (segments.Any(segment => segment.Trim() != segment)) return "has a segment with surrounding spaces";
        if (segments.Any(segment => segment.StartsWith(Storage.ObjectKeys.ReservedSegmentPrefix, StringComparison.Ordinal)))
        {
            return $"uses the prefix '{Storage.ObjectKeys.ReservedSegmentPrefix}' reserved for temporary files";
        }
        return null;
    }

    /// <summary>The name for a one-line error: control characters are shown escaped.</summary>
    public static string Printable(string? name) =>
        string.Concat((name ?? "").Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
