using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GrainFlow.Runtime.Diagnostics;

/// <summary>
/// Every GrainFlow metric and the trace source, in one place (as Orleans' <c>*Instruments</c>
/// classes); the meter and the activity source are both named <see cref="Name"/>. The instruments
/// are observable: the grains only count into plain fields of the groups they register in their
/// silo's <see cref="MetricRegistry"/>, and each collection reads those.
/// </summary>
/// <remarks>
/// The names are Flink's metric identifiers with Flink's default scopes
/// (<c>flink.jobmanager.job.*</c>, <c>flink.taskmanager.job.task.*</c>), all gauges and without a
/// unit, so the Prometheus exporter renders exactly the series Flink's Prometheus reporter does
/// (<c>flink_taskmanager_job_task_numRecordsIn</c>, no <c>_total</c> or unit suffix) and a Flink
/// dashboard works unchanged. docs/METRICS.md lists them with their units.
/// </remarks>
public static class GrainFlowInstruments
{
    public const string Name = "GrainFlow";

    private const string JobScope = "flink.jobmanager.job.";
    private const string TaskScope = "flink.taskmanager.job.task.";

    public static readonly Meter Meter = new(Name);

    public static readonly ActivitySource ActivitySource = new(Name);

    static GrainFlowInstruments()
    {
        JobGauge("numRestarts", j => j.Restarts, "How often the job restarted.");
        JobGauge("uptime", j => j.UptimeMs, "ms the job has been running without interruption; 0 while not running, -1 once it ended.");
        JobGauge("lastCheckpointRestoreTimestamp", j => j.RestoreTimestampMs, "When the job last restored from a snapshot, ms since the epoch; -1 when never.");

        CheckpointGauge("numberOfCompletedCheckpoints", f => f.Completed, "Completed checkpoints.");
        CheckpointGauge("numberOfFailedCheckpoints", f => f.Failed, "Failed checkpoints.");
        CheckpointGauge("numberOfInProgressCheckpoints", f => f.InProgress, "Checkpoints in progress.");
        CheckpointGauge("totalNumberOfCheckpoints", f => f.Completed + f.Failed + f.InProgress, "Triggered checkpoints (completed, failed and in progress).");
        CheckpointGauge("lastCheckpointDuration", f => f.LastDurationMs, "ms the last completed checkpoint took end to end; -1 before the first.");
        CheckpointGauge("lastCheckpointSize", f => f.LastSize, "Bytes of state in the last completed checkpoint; -1 before the first.");
        CheckpointGauge("lastCompletedCheckpointId", f => f.LastCompletedId, "Id of the last completed checkpoint; -1 before the first.");
        Meter.CreateObservableGauge("grainflow.job.task.lastCheckpointStateSize",
            () => CheckpointGroups().SelectMany(c => c.Figures.SubtaskStateSizes.Select(s =>
                new Measurement<long>(s.StateSize, [.. c.Tags, new("task_id", s.TaskId), new("subtask_index", s.SubtaskIndex)]))),
            description: "Bytes of a subtask's state in the job's last completed checkpoint.");

        TaskGauge("numRecordsIn", s => s.RecordsIn, "Records the subtask received.");
        TaskGauge("numRecordsOut", s => s.RecordsOut, "Records the subtask sent to its output channels.");
        TaskGauge("numRecordsInPerSecond", s => s.RecordsInPerSecond(), "Records received per second.");
        TaskGauge("numRecordsOutPerSecond", s => s.RecordsOutPerSecond(), "Records sent per second.");
        TaskGauge("busyTimeMsPerSecond", s => s.BusyTimeMsPerSecond(), "ms per second spent on records (0..1000).");
        TaskGauge("backPressuredTimeMsPerSecond", s => s.BackPressuredTimeMsPerSecond(), "ms per second spent waiting for room in output channels (0..1000).");
        TaskGauge("idleTimeMsPerSecond", s => s.IdleTimeMsPerSecond(), "ms per second neither busy nor back pressured (0..1000).");
        TaskGauge("checkpointAlignmentTime", s => s.AlignmentNanos, "ns the last barrier alignment took.");
        TaskGauge("currentInputWatermark", s => s.InputWatermark, "The input watermark, ms since the epoch; long.MinValue before the first.");
    }

    /// <summary>Creates the instruments (once per process); every <see cref="MetricRegistry"/> calls it.</summary>
    internal static void EnsureCreated()
    {
    }

    private static void JobGauge(string name, Func<JobMetricGroup, long> value, string description) =>
        Meter.CreateObservableGauge(JobScope + name, () => Jobs().Select(j => new Measurement<long>(value(j), j.Tags)), description: description);

    private static void CheckpointGauge(string name, Func<CheckpointFigures, long> value, string description) =>
        Meter.CreateObservableGauge(JobScope + name, () => CheckpointGroups().Select(c => new Measurement<long>(value(c.Figures), c.Tags)), description: description);

    private static void TaskGauge(string name, Func<SubtaskMetricGroup, long> value, string description) =>
        Meter.CreateObservableGauge(TaskScope + name, () => Subtasks().Select(s => new Measurement<long>(value(s), s.Tags)), description: description);

    private static void TaskGauge(string name, Func<SubtaskMetricGroup, double> value, string description) =>
        Meter.CreateObservableGauge(TaskScope + name, () => Subtasks().Select(s => new Measurement<double>(value(s), s.Tags)), description: description);

    private static IEnumerable<SubtaskMetricGroup> Subtasks() => MetricRegistry.Live.SelectMany(r => r.Subtasks);

    private static IEnumerable<JobMetricGroup> Jobs() => MetricRegistry.Live.SelectMany(r => r.Jobs);

    private static IEnumerable<JobCheckpointMetricGroup> CheckpointGroups() => MetricRegistry.Live.SelectMany(r => r.Checkpoints);
}
