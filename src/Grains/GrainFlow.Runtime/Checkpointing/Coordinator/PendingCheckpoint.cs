using System.Diagnostics;
using GrainFlow.Runtime.Diagnostics;

namespace GrainFlow.Runtime.Checkpointing;

public enum AcknowledgeResult
{
    /// <summary>The first acknowledgement of an expected subtask.</summary>
    Success,

    /// <summary>That subtask had already acknowledged; ignored.</summary>
    Duplicate,

    /// <summary>The subtask is not part of this checkpoint; ignored.</summary>
    Unknown,

    /// <summary>The checkpoint was already aborted; the caller cleans up what the subtask wrote.</summary>
    Discarded,
}

/// <summary>
/// A triggered checkpoint waiting for acknowledgements (Flink's PendingCheckpoint): which subtasks
/// are still expected, the snapshots of those that answered, and whether it was aborted.
/// </summary>
public sealed class PendingCheckpoint(long checkpointId, long attempt, DateTimeOffset triggerTime, CheckpointProperties properties, IEnumerable<SubtaskId> expected)
{
    private readonly HashSet<SubtaskId> _notYetAcknowledged = expected.ToHashSet();
    private readonly Dictionary<SubtaskId, SubtaskSnapshot> _acknowledged = new();
    private readonly Dictionary<SubtaskId, DateTimeOffset> _acknowledgedAt = new();

    public long CheckpointId { get; } = checkpointId;

    public long Attempt { get; } = attempt;

    public DateTimeOffset TriggerTime { get; } = triggerTime;

    public CheckpointProperties Properties { get; } = properties;

    public int ExpectedCount => _notYetAcknowledged.Count + _acknowledged.Count;

    public int AcknowledgedCount => _acknowledged.Count;

    public IReadOnlyDictionary<SubtaskId, SubtaskSnapshot> Acknowledged => _acknowledged;

    /// <summary>Every subtask the checkpoint waits or waited for.</summary>
    public IEnumerable<SubtaskId> Expected => _notYetAcknowledged.Concat(_acknowledged.Keys);

    /// <summary>When each acknowledging subtask's acknowledgement came.</summary>
    public IReadOnlyDictionary<SubtaskId, DateTimeOffset> AcknowledgedAt => _acknowledgedAt;

    public DateTimeOffset? LatestAcknowledgement { get; private set; }

    public string? AbortReason { get; private set; }

    public bool IsDiscarded => AbortReason is not null;

    public bool IsFullyAcknowledged => _notYetAcknowledged.Count == 0 && !IsDiscarded;

    /// <summary>The checkpoint's trace (trigger → acknowledgements → completion or failure); null when nobody listens.</summary>
    public Activity? Trace { get; } = CheckpointTracing.StartCheckpoint(checkpointId, attempt, triggerTime, properties.IsSavepoint);

    public AcknowledgeResult Acknowledge(SubtaskId subtask, SubtaskSnapshot snapshot, DateTimeOffset now)
    {
        if (IsDiscarded) return AcknowledgeResult.Discarded;
        if (_acknowledged.ContainsKey(subtask)) return AcknowledgeResult.Duplicate;
        if (!_notYetAcknowledged.Remove(subtask)) return AcknowledgeResult.Unknown;
        _acknowledged.Add(subtask, snapshot);
        _acknowledgedAt.Add(subtask, now);
        LatestAcknowledgement = now;
        CheckpointTracing.Acknowledged(Trace, snapshot, now);
        return AcknowledgeResult.Success;
    }

    /// <summary>Marks the checkpoint aborted (expired, declined, subsumed, failed); later acks are Discarded.</summary>
    public void Abort(string reason) => AbortReason ??= reason;

    /// <summary>The checkpoint's <c>_metadata</c> once every subtask acknowledged (Flink's finalizeCheckpoint): their state, by vertex and subtask.</summary>
    internal CheckpointMetadata ToMetadata(string jobId, CoordinatorStart running, DateTimeOffset completion, GrainFlow.Savepoints.SavepointFormatType? format) =>
        CheckpointMetadata.Create(jobId, running.JobName, CheckpointId, TriggerTime, completion, Properties.IsSavepoint, running.MaxParallelism,
            _acknowledged.Values.GroupBy(s => s.VertexUid)
                .Select(g => new VertexStateMetadata(g.Key, running.VertexParallelism[g.Key], g.OrderBy(s => s.SubtaskIndex).ToList()))
                .ToList(),
            format);
}
