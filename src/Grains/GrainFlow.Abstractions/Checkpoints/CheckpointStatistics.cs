namespace GrainFlow.Checkpoints;

public enum CheckpointStatus
{
    InProgress,
    Completed,
    Failed,
}

/// <summary>One checkpoint as the statistics show it (the fields of Flink's CheckpointStatistics).</summary>
[GenerateSerializer, Immutable, Alias("grainflow.CheckpointStatistics")]
public sealed record CheckpointStatistics(
    [property: Id(0)] long Id,
    [property: Id(1)] CheckpointStatus Status,
    [property: Id(2)] bool IsSavepoint,
    [property: Id(3)] DateTimeOffset TriggerTime,
    [property: Id(4)] DateTimeOffset? LatestAcknowledgement,
    [property: Id(5)] TimeSpan? EndToEndDuration,
    [property: Id(6)] TimeSpan MaxSyncDuration,
    [property: Id(7)] TimeSpan MaxAsyncDuration,
    [property: Id(8)] TimeSpan MaxAlignmentDuration,
    [property: Id(9)] long StateSize,
    [property: Id(10)] int AcknowledgedSubtasks,
    [property: Id(11)] int ExpectedSubtasks,
    [property: Id(12)] string? ExternalPath,
    [property: Id(13)] string? FailureMessage,
    [property: Id(14)] IReadOnlyList<TaskCheckpointStatistics>? Tasks = null,
    [property: Id(15)] long? FullStateSize = null)
{
    /// <summary>
    /// The whole state the checkpoint holds (Flink's <c>state_size</c>); <see cref="StateSize"/> is what it wrote
    /// (Flink's <c>checkpointed_size</c>): less for an incremental checkpoint, which references files earlier ones
    /// uploaded. Older statistics recorded only the one figure.
    /// </summary>
    public long FullSize => FullStateSize ?? StateSize;
}

/// <summary>One vertex's part of a checkpoint (the fields of Flink's TaskCheckpointStatistics).</summary>
[GenerateSerializer, Immutable, Alias("grainflow.TaskCheckpointStatistics")]
public sealed record TaskCheckpointStatistics(
    [property: Id(0)] string VertexId,
    [property: Id(1)] DateTimeOffset? LatestAcknowledgement,
    [property: Id(2)] long StateSize,
    [property: Id(3)] int AcknowledgedSubtasks,
    [property: Id(4)] int Subtasks,
    [property: Id(5)] IReadOnlyList<SubtaskCheckpointStatistics>? SubtaskDetails = null);

/// <summary>
/// One subtask's part of a checkpoint (Flink's SubtaskCheckpointStatistics): when it acknowledged (null: not yet, or
/// never), what it wrote and the whole state it holds, and how long its synchronous, asynchronous and alignment parts took.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.SubtaskCheckpointStatistics")]
public sealed record SubtaskCheckpointStatistics(
    [property: Id(0)] int Index,
    [property: Id(1)] DateTimeOffset? Acknowledged,
    [property: Id(2)] long StateSize,
    [property: Id(3)] long FullStateSize,
    [property: Id(4)] TimeSpan SyncDuration,
    [property: Id(5)] TimeSpan AsyncDuration,
    [property: Id(6)] TimeSpan AlignmentDuration);

/// <summary>
/// Where a job's state came from when it (re)started; <see cref="Skipped"/> are the newer snapshots
/// passed over because they were damaged (newest first).
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.RestoreInfo")]
public sealed record RestoreInfo(
    [property: Id(0)] long CheckpointId,
    [property: Id(1)] string ExternalPath,
    [property: Id(2)] bool IsSavepoint,
    [property: Id(3)] DateTimeOffset RestoreTime,
    [property: Id(4)] IReadOnlyDictionary<string, long> SourceOffsets,
    [property: Id(5)] IReadOnlyList<SkippedSnapshot>? Skipped = null);

/// <summary>A snapshot a restore passed over, and why (the reason names the damaged file).</summary>
[GenerateSerializer, Immutable, Alias("grainflow.SkippedSnapshot")]
public sealed record SkippedSnapshot(
    [property: Id(0)] long? CheckpointId,
    [property: Id(1)] string ExternalPath,
    [property: Id(2)] string Reason,
    [property: Id(3)] bool IsSavepoint = false)
{
    /// <summary>How status, logs and the CLI name it: <c>checkpoint 7 at &lt;path&gt; (&lt;reason&gt;)</c>.</summary>
    public override string ToString() =>
        $"{(CheckpointId is { } id ? $"{(IsSavepoint ? "savepoint" : "checkpoint")} {id}" : "snapshot")} at {ExternalPath} ({Reason})";

    /// <summary>The sentence status and logs append to a restore that passed over <paramref name="skipped"/> (empty when none).</summary>
    public static string Describe(IReadOnlyList<SkippedSnapshot> skipped) =>
        skipped.Count == 0 ? "" : $"; skipped {skipped.Count} damaged snapshot(s): {string.Join("; ", skipped)}";
}

/// <summary>A job's checkpoint counters and recent history, as <c>grainflow checkpoints</c> and the REST API show them.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.CheckpointStatsSnapshot")]
public sealed record CheckpointStatsSnapshot(
    [property: Id(0)] int Completed,
    [property: Id(1)] int Failed,
    [property: Id(2)] int InProgress,
    [property: Id(3)] int Restored,
    [property: Id(4)] CheckpointStatistics? LatestCompleted,
    [property: Id(5)] CheckpointStatistics? LatestFailed,
    [property: Id(6)] RestoreInfo? LatestRestore,
    [property: Id(7)] IReadOnlyList<CheckpointStatistics> History)
{
    public int Total => Completed + Failed + InProgress;
}
