using GrainFlow.Runtime.Channels;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The checkpoints a coordinator waits for, in id order, each with the barrier its subtasks were sent (subtasks that
/// finished are asked with it directly) and, for a savepoint, the request that triggered it.
/// </summary>
internal sealed class PendingCheckpoints
{
    private readonly SortedDictionary<long, Entry> _entries = new();

    public int Count => _entries.Count;

    /// <summary>Every pending checkpoint, oldest first (a copy: callers abort while they iterate).</summary>
    public IReadOnlyList<PendingCheckpoint> All => _entries.Values.Select(e => e.Pending).ToList();

    public void Add(PendingCheckpoint pending, CheckpointBarrier barrier, SavepointTrigger? savepoint = null) =>
        _entries.Add(pending.CheckpointId, new Entry(pending, barrier, savepoint));

    public bool Contains(long checkpointId) => _entries.ContainsKey(checkpointId);

    /// <summary>Checkpoint <paramref name="checkpointId"/> if it is pending for <paramref name="attempt"/>.</summary>
    public PendingCheckpoint? Of(long checkpointId, long attempt) =>
        _entries.TryGetValue(checkpointId, out var entry) && entry.Pending.Attempt == attempt ? entry.Pending : null;

    public CheckpointBarrier BarrierOf(long checkpointId) => _entries[checkpointId].Barrier;

    /// <summary>The request of savepoint <paramref name="checkpointId"/>; null for a checkpoint (or one no longer pending).</summary>
    public SavepointTrigger? SavepointOf(long checkpointId) => _entries.GetValueOrDefault(checkpointId)?.Savepoint;

    /// <summary>Stops waiting for <paramref name="checkpointId"/>; its barrier and savepoint request, if it was pending.</summary>
    public (CheckpointBarrier Barrier, SavepointTrigger? Savepoint)? Remove(long checkpointId) =>
        _entries.Remove(checkpointId, out var entry) ? (entry.Barrier, entry.Savepoint) : null;

    private sealed record Entry(PendingCheckpoint Pending, CheckpointBarrier Barrier, SavepointTrigger? Savepoint);
}
