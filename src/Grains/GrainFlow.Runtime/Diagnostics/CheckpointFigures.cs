namespace GrainFlow.Runtime.Diagnostics;

/// <summary>
/// A job's checkpoint figures as Flink's job metrics name them, one immutable value the checkpoint
/// statistics replace after every change (so an exporter on another thread reads a consistent set).
/// </summary>
/// <param name="LastDurationMs">lastCheckpointDuration (-1 before the first completed checkpoint).</param>
/// <param name="LastSize">lastCheckpointSize in bytes (-1 before the first completed checkpoint).</param>
/// <param name="LastCompletedId">lastCompletedCheckpointId (-1 before the first).</param>
/// <param name="SubtaskStateSizes">The state size of each subtask (vertex id, subtask index) in the last completed checkpoint.</param>
public sealed record CheckpointFigures(
    long Completed,
    long Failed,
    long InProgress,
    long LastDurationMs,
    long LastSize,
    long LastCompletedId,
    IReadOnlyList<(string TaskId, int SubtaskIndex, long StateSize)> SubtaskStateSizes)
{
    public static readonly CheckpointFigures None = new(0, 0, 0, -1, -1, -1, []);
}

/// <summary>A job's checkpoint figures in the registry, with the tags of their series.</summary>
public sealed class JobCheckpointMetricGroup(string jobId, string jobName, Func<CheckpointFigures> figures)
{
    public string JobId { get; } = jobId;

    public KeyValuePair<string, object?>[] Tags { get; } = [new("job_id", jobId), new("job_name", jobName)];

    public CheckpointFigures Figures => figures();
}
