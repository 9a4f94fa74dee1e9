using System.Text.Json.Serialization;
using GrainFlow.Checkpoints;
using GrainFlow.Runtime.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Keeps the counters (persisted with the coordinator's state, in Orleans' and in JSON grain storage) and the last <see cref="HistorySize"/> checkpoints (Flink's
/// web.checkpoints.history default). Counters survive a coordinator reactivation through the
/// coordinator's persisted state; the history is for display.
/// </summary>
[GenerateSerializer, Alias("grainflow.CheckpointStatsTracker")]
public sealed class CheckpointStatsTracker
{
    /// <summary>Flink's default of <c>web.checkpoints.history</c>.</summary>
    public const int DefaultHistorySize = 10;

    // 0 in state written before the size was kept: the default then.
    [Id(7), JsonInclude] private int _historySize = DefaultHistorySize;

    /// <summary>How many checkpoints the history keeps: the job's <c>web.checkpoints.history</c> once <see cref="KeepHistoryOf"/> was called.</summary>
    public int HistorySize => _historySize > 0 ? _historySize : DefaultHistorySize;

    /// <summary>Keeps the last <paramref name="checkpoints"/> from the next report on (the coordinator applies the job's <c>web.checkpoints.history</c>).</summary>
    public void KeepHistoryOf(int checkpoints) => _historySize = Math.Max(1, checkpoints);

    [Id(0), JsonInclude] private List<CheckpointStatistics> _history = new();
    [Id(1), JsonInclude] private int _completed;
    [Id(2), JsonInclude] private int _failed;
    [Id(3), JsonInclude] private int _restored;
    [Id(4), JsonInclude] private CheckpointStatistics? _latestCompleted;
    [Id(5), JsonInclude] private CheckpointStatistics? _latestFailed;
    [Id(6), JsonInclude] private RestoreInfo? _latestRestore;
    // What the metric exporters read (replaced whole after every change) and the job the figures belong to; never persisted.
    [NonSerialized] private volatile CheckpointFigures? _figures;
    [NonSerialized] private string? _jobId;
    [NonSerialized] private IReadOnlyList<(string TaskId, int SubtaskIndex, long StateSize)> _lastSubtaskStateSizes = [];

    /// <summary>
    /// Publishes this job's checkpoint figures to the metric exporters of <paramref name="activation"/>'s
    /// silo until it is deactivated, and tags the checkpoints' traces with the job. The checkpoint
    /// coordinator calls it once it knows its job (activation with a running job, or start).
    /// </summary>
    public void PublishTo(IGrainContext activation, string jobId, string jobName) =>
        activation.ActivationServices.GetRequiredService<MetricRegistry>().Register(activation, MetricGroup(jobId, jobName));

    /// <summary>This job's checkpoint figures as a metric group (kept up to date from now on).</summary>
    public JobCheckpointMetricGroup MetricGroup(string jobId, string jobName)
    {
        _jobId = jobId;
        _figures = Figures();
        return new JobCheckpointMetricGroup(jobId, jobName, () => _figures ?? CheckpointFigures.None);
    }

    public void ReportPending(PendingCheckpoint pending)
    {
        pending.Trace?.SetTag("job_id", _jobId);
        Put(Statistics(pending, CheckpointStatus.InProgress, null, null));
    }

    public CheckpointStatistics ReportCompleted(PendingCheckpoint pending, CompletedCheckpoint completed)
    {
        _completed++;
        var statistics = Statistics(pending, CheckpointStatus.Completed, completed.ExternalPath, null) with
        {
            EndToEndDuration = completed.CompletionTime - pending.TriggerTime,
        };
        _latestCompleted = statistics;
        _lastSubtaskStateSizes = pending.Acknowledged.Select(a => (a.Key.VertexUid, a.Key.Index, a.Value.StateSize)).ToList();
        Put(statistics);
        CheckpointTracing.Completed(pending.Trace, statistics.StateSize, completed.ExternalPath, completed.CompletionTime);
        return statistics;
    }

    public CheckpointStatistics ReportFailed(PendingCheckpoint pending, string reason, DateTimeOffset now)
    {
        _failed++;
        var statistics = Statistics(pending, CheckpointStatus.Failed, null, reason) with { EndToEndDuration = now - pending.TriggerTime };
        _latestFailed = statistics;
        Put(statistics);
        CheckpointTracing.Failed(pending.Trace, reason, now);
        return statistics;
    }

    public void ReportRestored(RestoreInfo restore)
    {
        _restored++;
        _latestRestore = restore;
    }

    public CheckpointStatsSnapshot Snapshot() => new(_completed, _failed, _history.Count(h => h.Status == CheckpointStatus.InProgress), _restored,
        _latestCompleted, _latestFailed, _latestRestore, _history.OrderByDescending(h => h.Id).ToList());

    private void Put(CheckpointStatistics statistics)
    {
        _history.RemoveAll(h => h.Id == statistics.Id);
        _history.Add(statistics);
        while (_history.Count > HistorySize) _history.RemoveAt(_history.FindIndex(h => h.Status != CheckpointStatus.InProgress) is var i and >= 0 ? i : 0);
        if (_figures is not null) _figures = Figures();
    }

    /// <summary>Flink's job checkpoint metrics, from the counters and the latest completed checkpoint.</summary>
    private CheckpointFigures Figures() => new(_completed, _failed, _history.Count(h => h.Status == CheckpointStatus.InProgress),
        _latestCompleted?.EndToEndDuration is { } duration ? (long)duration.TotalMilliseconds : -1,
        _latestCompleted?.StateSize ?? -1,
        _latestCompleted?.Id ?? -1,
        _lastSubtaskStateSizes ?? []);

    private static CheckpointStatistics Statistics(PendingCheckpoint pending, CheckpointStatus status, string? path, string? failure)
    {
        var acks = pending.Acknowledged.Values.ToList();
        return new CheckpointStatistics(pending.CheckpointId, status, pending.Properties.IsSavepoint, pending.TriggerTime, pending.LatestAcknowledgement, null,
            acks.Count == 0 ? TimeSpan.Zero : acks.Max(a => a.SyncDuration),
            acks.Count == 0 ? TimeSpan.Zero : acks.Max(a => a.AsyncDuration),
            acks.Count == 0 ? TimeSpan.Zero : acks.Max(a => a.AlignmentDuration),
            acks.Sum(a => a.StateSize), pending.AcknowledgedCount, pending.ExpectedCount, path, failure, TaskStatistics(pending),
            acks.Sum(a => a.FullStateSize));
    }

    /// <summary>Each vertex's part: its subtasks' acknowledgements and state, in the order the job lists its subtasks.</summary>
    private static List<TaskCheckpointStatistics> TaskStatistics(PendingCheckpoint pending) => pending.Expected
        .GroupBy(s => s.VertexUid, StringComparer.Ordinal)
        .Select(vertex =>
        {
            var acknowledged = vertex.Where(pending.Acknowledged.ContainsKey).ToList();
            var subtasks = vertex.OrderBy(s => s.Index).Select(s => pending.Acknowledged.TryGetValue(s, out var ack)
                ? new SubtaskCheckpointStatistics(s.Index, pending.AcknowledgedAt[s], ack.StateSize, ack.FullStateSize, ack.SyncDuration, ack.AsyncDuration, ack.AlignmentDuration)
                : new SubtaskCheckpointStatistics(s.Index, null, 0, 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)).ToList();
            return new TaskCheckpointStatistics(vertex.Key,
                acknowledged.Count == 0 ? null : acknowledged.Max(s => pending.AcknowledgedAt[s]),
                acknowledged.Sum(s => pending.Acknowledged[s].StateSize), acknowledged.Count, vertex.Count(), subtasks);
        })
        .ToList();
}
