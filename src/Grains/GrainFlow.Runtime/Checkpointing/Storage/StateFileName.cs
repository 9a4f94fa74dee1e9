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

    /// <summary>
    /// Why <paramref name="path"/> is not a shared file of an incremental snapshot — <c>&lt;job id&gt;/shared/&lt;name&gt;</c>
    /// relative to the checkpoint storage's root, with a name GrainFlow gives (<see cref="CheckpointLayout.IsIncrementalFileName"/>) —
    /// or null when it is. Nothing else under the storage, and nothing outside it, can be named.
    /// </summary>
    public static string? SharedProblem(string? path)
    {
        if (Problem(path) is { } problem) return problem;
        var segments = path!.Split('/');
        if (segments.Length != 3 || segments[1] != CheckpointLayout.SharedDirectoryName) return "is not '<job id>/shared/<file name>'";
        if (!Jobs.JobId.TryParse(segments[0], out var jobId) || jobId.Value.Value != segments[0]) return "does not start with a job id (32 lowercase hex digits)";
        return CheckpointLayout.IsIncrementalFileName(segments[2], out _) ? null : "is not a file name GrainFlow gives to shared state";
    }

    /// <summary>Why <paramref name="name"/> is not a private file of an incremental snapshot (a name GrainFlow gives, in the snapshot's directory), or null when it is.</summary>
    public static string? PrivateProblem(string? name) =>
        Problem(name) ?? (name!.Contains('/') || !CheckpointLayout.IsIncrementalFileName(name, out _) ? "is not a file name GrainFlow gives to incremental state" : null);

    /// <summary>
    /// Why <paramref name="name"/> is not a plain file name a restore may create in a backend's local directory
    /// (one segment: no '/', no '..'), or null when it is.
    /// </summary>
    public static string? LocalProblem(string? name) =>
        Problem(name) ?? (name!.Contains('/') ? "is not a plain file name" : null);

    /// <summary>The name for a one-line error: control characters are shown escaped.</summary>
    public static string Printable(string? name) =>
        string.Concat((name ?? "").Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
