using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The retained completed checkpoints of a job, newest last (Flink's CompletedCheckpointStore: a
/// bounded queue). Adding one beyond <c>num-retained</c> subsumes the oldest; the caller deletes
/// the files of those it returns. Kept as plain data so the coordinator can persist it.
/// </summary>
public sealed class CompletedCheckpointStore(int maxRetained, IEnumerable<CompletedCheckpoint>? restored = null)
{
    private readonly List<CompletedCheckpoint> _checkpoints = restored?.OrderBy(c => c.CheckpointId).ToList() ?? new();

    public int MaxRetained { get; } = maxRetained;

    public IReadOnlyList<CompletedCheckpoint> All => _checkpoints;

    public CompletedCheckpoint? Latest => _checkpoints.Count == 0 ? null : _checkpoints[^1];

    /// <summary>Adds a checkpoint; returns the subsumed ones whose files must be deleted.</summary>
    public IReadOnlyList<CompletedCheckpoint> Add(CompletedCheckpoint checkpoint)
    {
        _checkpoints.Add(checkpoint);
        var subsumed = new List<CompletedCheckpoint>();
        // Savepoints are never subsumed by checkpoints: only what may be discarded counts against the bound.
        while (_checkpoints.Count(c => c.ShouldBeDiscardedOnSubsume()) > MaxRetained)
        {
            var oldest = _checkpoints.First(c => c.ShouldBeDiscardedOnSubsume());
            _checkpoints.Remove(oldest);
            subsumed.Add(oldest);
        }
        return subsumed;
    }

    /// <summary>Empties the store for a terminal job status; returns the checkpoints whose files must be deleted.</summary>
    public IReadOnlyList<CompletedCheckpoint> Shutdown(JobStatus status)
    {
        var discard = _checkpoints.Where(c => c.ShouldBeDiscardedOnShutdown(status)).ToList();
        _checkpoints.Clear();
        return discard;
    }
}
