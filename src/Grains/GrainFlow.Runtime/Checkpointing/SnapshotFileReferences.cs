namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The state files a snapshot's <c>_metadata</c> references, checked before anything acts on them.
/// A <c>_metadata</c> is external input — a user may have edited, copied or forged it — so every name
/// must stay inside the snapshot's own directory: a relative '/'-separated path without '.', '..' or
/// empty segments, backslashes, control characters or a leading '/'.
/// </summary>
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
            if (Problem(name) is { } problem)
            {
                throw new InvalidDataException(
                    $"The _metadata of '{snapshotPath}' references the state file '{Printable(name)}', which {problem}; a snapshot's files must lie inside its own directory.");
            }
            if (name != CheckpointLayout.MetadataFileName && seen.Add(name)) files.Add(name);
        }
        return files;
    }

    private static string? Problem(string name)
    {
        if (name.Length == 0) return "is empty";
        if (name.Any(char.IsControl)) return "contains control characters";
        if (name.Contains('\\')) return "contains '\\'";
        if (name[0] == '/' || Path.IsPathRooted(name)) return "is an absolute path";
        if (name.Split('/').Any(segment => segment is "" or "." or "..")) return "contains a '.', '..' or empty segment";
        if (name.Split('/').Any(segment => segment.StartsWith(Storage.ObjectKeys.ReservedSegmentPrefix, StringComparison.Ordinal)))
        {
            return $"uses the prefix '{Storage.ObjectKeys.ReservedSegmentPrefix}' reserved for temporary files";
        }
        return null;
    }

    // The name goes into a one-line error: control characters are shown escaped.
    private static string Printable(string name) =>
        string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
