namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The files the incremental handles of a snapshot's <c>_metadata</c> reference, and the one check of them,
/// made when <c>_metadata</c> is read (<see cref="CheckpointMetadata.FromBytes"/>): every path is one GrainFlow
/// gives (<see cref="StateFileName.SharedProblem"/>, <see cref="StateFileName.PrivateProblem"/>), every local name a
/// plain file name, so that neither a restore, a verification nor a deletion can be pointed anywhere else.
/// </summary>
public static class IncrementalStateReferences
{
    /// <exception cref="InvalidDataException">A handle is malformed or names a file it may not; the message names <paramref name="metadataFile"/>.</exception>
    public static void Validate(CheckpointMetadata metadata, string metadataFile)
    {
        foreach (var subtask in metadata.Vertices.SelectMany(v => v.Subtasks))
        {
            foreach (var op in subtask.Operators.Where(o => o.IncrementalState is not null))
            {
                var handle = op.IncrementalState!;
                var what = $"the incremental state of operator '{StateFileName.Printable(op.OperatorUid)}' of subtask {StateFileName.Printable(subtask.VertexUid)}/{subtask.SubtaskIndex}";
                if (op.State is not null) throw Invalid(metadataFile, $"{what} has a canonical state handle as well");
                if (op.KeyGroups is null) throw Invalid(metadataFile, $"{what} has no key-group range");
                if (handle.BackendIdentifier is not { Length: 32 } id || !id.All(char.IsAsciiHexDigitLower))
                {
                    throw Invalid(metadataFile, $"{what} names the backend '{StateFileName.Printable(handle.BackendIdentifier)}', which is not 32 lowercase hex digits");
                }
                if (handle.ChecksumAlgorithm is not (StateChecksum.Xxh3 or StateChecksum.Xxh64))
                {
                    throw Invalid(metadataFile, $"{what} is checksummed with '{StateFileName.Printable(handle.ChecksumAlgorithm)}', which this GrainFlow does not know");
                }
                if (metadata.IsSavepoint && handle.SharedState.Count > 0)
                {
                    throw Invalid(metadataFile, $"{what} references shared files, but a savepoint holds all its files itself");
                }
                Check(handle.SharedState, StateFileName.SharedProblem, "shared state file", what, metadataFile);
                Check(handle.PrivateState, StateFileName.PrivateProblem, "private state file", what, metadataFile);
            }
        }
    }

    /// <summary>Every distinct shared file (<c>&lt;job id&gt;/shared/&lt;name&gt;</c>) the snapshot references.</summary>
    public static IReadOnlySet<string> SharedPaths(CheckpointMetadata metadata) =>
        metadata.StateHandlesIncremental().SelectMany(h => h.SharedState).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every distinct private file (a name in the snapshot's directory) the snapshot references.</summary>
    public static IReadOnlySet<string> PrivatePaths(CheckpointMetadata metadata) =>
        metadata.StateHandlesIncremental().SelectMany(h => h.PrivateState).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);

    private static void Check(IReadOnlyList<HandleAndLocalPath>? files, Func<string?, string?> problemOf, string kind, string what, string metadataFile)
    {
        if (files is null) throw Invalid(metadataFile, $"{what} has no list of {kind}s");
        var locals = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (problemOf(file.Path) is { } problem)
            {
                throw Invalid(metadataFile, $"{what} refers to the {kind} '{StateFileName.Printable(file.Path)}', which it may not name (it {problem})");
            }
            if (StateFileName.LocalProblem(file.LocalPath) is { } local)
            {
                throw Invalid(metadataFile, $"{what} names the local file '{StateFileName.Printable(file.LocalPath)}', which {local}");
            }
            if (!locals.Add(file.LocalPath)) throw Invalid(metadataFile, $"{what} names the local file '{StateFileName.Printable(file.LocalPath)}' twice");
            if (file.Size < 0) throw Invalid(metadataFile, $"{what} records a negative size for '{StateFileName.Printable(file.Path)}'");
        }
    }

    private static InvalidDataException Invalid(string metadataFile, string problem) =>
        new($"'{metadataFile}' is damaged or was edited: {problem}.");
}
