using GrainFlow.Configuration;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Flink's SharedStateRegistry: which retained checkpoints reference each shared file of incremental
/// snapshots (<c>&lt;job id&gt;/shared/&lt;name&gt;</c>). A checkpoint's references are registered when it completes (or
/// when the coordinator rebuilds the registry from the retained checkpoints' <c>_metadata</c>) and released when it
/// is subsumed or discarded; a file is to be deleted exactly when its last reference goes. The files of a snapshot
/// the job was restored from in NO_CLAIM mode are never to be deleted; in CLAIM mode the job adopts them like its own.
/// </summary>
/// <remarks>Plain bookkeeping: <see cref="SharedStateFiles"/> reads <c>_metadata</c> and deletes what this says is unreferenced.</remarks>
public sealed class SharedStateRegistry
{
    private readonly Dictionary<string, HashSet<long>> _references = new(StringComparer.Ordinal);
    private readonly Dictionary<long, IReadOnlySet<string>> _byCheckpoint = new();
    // Flink's highestNotClaimedCheckpointID, as files: what a NO_CLAIM restore base references stays where it is.
    private readonly HashSet<string> _notClaimed = new(StringComparer.Ordinal);

    /// <summary>The shared files some registered checkpoint references, or that are protected as part of a NO_CLAIM restore base.</summary>
    public IReadOnlyCollection<string> RegisteredFiles => _references.Keys;

    /// <summary>How many registered checkpoints reference <paramref name="sharedPath"/>.</summary>
    public int ReferenceCount(string sharedPath) => _references.TryGetValue(sharedPath, out var checkpoints) ? checkpoints.Count : 0;

    /// <summary>Whether <paramref name="sharedPath"/> must stay: referenced by a registered checkpoint, or part of a NO_CLAIM restore base.</summary>
    public bool IsInUse(string sharedPath) => _references.ContainsKey(sharedPath) || _notClaimed.Contains(sharedPath);

    /// <summary>Registers the shared files checkpoint <paramref name="checkpointId"/> references (registering the same checkpoint again changes nothing).</summary>
    public void RegisterCheckpoint(long checkpointId, IEnumerable<string> sharedPaths)
    {
        if (_byCheckpoint.ContainsKey(checkpointId)) return;
        var paths = sharedPaths.ToHashSet(StringComparer.Ordinal);
        _byCheckpoint.Add(checkpointId, paths);
        foreach (var path in paths)
        {
            if (!_references.TryGetValue(path, out var checkpoints)) _references.Add(path, checkpoints = new HashSet<long>());
            checkpoints.Add(checkpointId);
        }
    }

    /// <summary>
    /// Registers the snapshot a job was restored from (Flink's registerAllAfterRestored): in
    /// <see cref="RecoveryClaimMode.NoClaim"/> its files are never released for deletion, whatever happens to the
    /// checkpoint; in <see cref="RecoveryClaimMode.Claim"/> they are the job's own, deleted once nothing references them.
    /// </summary>
    public void RegisterAllAfterRestored(long checkpointId, IEnumerable<string> sharedPaths, RecoveryClaimMode mode)
    {
        var paths = sharedPaths.ToList();
        RegisterCheckpoint(checkpointId, paths);
        if (mode != RecoveryClaimMode.Claim) _notClaimed.UnionWith(paths);
    }

    /// <summary>
    /// Releases the references of checkpoint <paramref name="checkpointId"/> (subsumed or discarded).
    /// </summary>
    /// <returns>The shared files no registered checkpoint references any more and no NO_CLAIM base protects: the caller deletes them.</returns>
    public IReadOnlyList<string> UnregisterCheckpoint(long checkpointId)
    {
        if (!_byCheckpoint.Remove(checkpointId, out var paths)) return [];
        var unused = new List<string>();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            var checkpoints = _references[path];
            checkpoints.Remove(checkpointId);
            if (checkpoints.Count > 0) continue;
            _references.Remove(path);
            if (!_notClaimed.Contains(path)) unused.Add(path);
        }
        return unused;
    }

    /// <summary>
    /// Why checkpoint <paramref name="checkpointId"/>, about to complete, cannot: it reuses a shared file that no
    /// registered checkpoint holds any more (deleted after its last checkpoint was subsumed, while this one was
    /// being taken from an older base) — Flink's "Attempt to reference unknown state". Null when every file it
    /// references is registered or was uploaded by the checkpoint itself.
    /// </summary>
    public string? UnknownReference(long checkpointId, IEnumerable<string> sharedPaths)
    {
        foreach (var path in sharedPaths)
        {
            if (IsInUse(path)) continue;
            var name = path[(path.LastIndexOf('/') + 1)..];
            if (CheckpointLayout.IsIncrementalFileName(name, out var uploadedBy) && uploadedBy == checkpointId) continue;
            return $"it references the shared file '{path}', which no retained checkpoint holds any more";
        }
        return null;
    }
}
