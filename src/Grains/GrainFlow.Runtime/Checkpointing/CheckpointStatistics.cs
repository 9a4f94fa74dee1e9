namespace GrainFlow.Runtime.Checkpointing;

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
    [property: Id(13)] string? FailureMessage);

/// <summary>Where a job's state came from when it (re)started.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.RestoreInfo")]
public sealed record RestoreInfo(
    [property: Id(0)] long CheckpointId,
    [property: Id(1)] string ExternalPath,
    [property: Id(2)] bool IsSavepoint,
    [property: Id(3)] DateTimeOffset RestoreTime,
    [property: Id(4)] IReadOnlyDictionary<string, long> SourceOffsets);

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

/// <summary>
/// Keeps the counters and the last <see cref="HistorySize"/> checkpoints (Flink's
/// web.checkpoints.history default). Counters survive a coordinator reactivation through the
/// coordinator's persisted state; the history is for display.
/// </summary>
[GenerateSerializer, Alias("grainflow.CheckpointStatsTracker")]
public sealed class CheckpointStatsTracker
{
    public const int HistorySize = 10;

    [Id(0)] private readonly List<CheckpointStatistics> _history = new();
    [Id(1)] private int _completed;
    [Id(2)] private int _failed;
    [Id(3)] private int _restored;
    [Id(4)] private CheckpointStatistics? _latestCompleted;
    [Id(5)] private CheckpointStatistics? _latestFailed;
    [Id(6)] private RestoreInfo? _latestRestore;

    public void ReportPending(PendingCheckpoint pending) => Put(Statistics(pending, CheckpointStatus.InProgress, null, null));

    public CheckpointStatistics ReportCompleted(PendingCheckpoint pending, CompletedCheckpoint completed)
    {
        _completed++;
        var statistics = Statistics(pending, CheckpointStatus.Completed, completed.ExternalPath, null) with
        {
            EndToEndDuration = completed.CompletionTime - pending.TriggerTime,
        };
        _latestCompleted = statistics;
        Put(statistics);
        return statistics;
    }

    public CheckpointStatistics ReportFailed(PendingCheckpoint pending, string reason, DateTimeOffset now)
    {
        _failed++;
        var statistics = Statistics(pending, CheckpointStatus.Failed, null, reason) with { EndToEndDuration = now - pending.TriggerTime };
        _latestFailed = statistics;
        Put(statistics);
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
    }

    private static CheckpointStatistics Statistics(PendingCheckpoint pending, CheckpointStatus status, string? path, string? failure)
    {
        var acks = pending.Acknowledged.Values.ToList();
        return new CheckpointStatistics(pending.CheckpointId, status, pending.Properties.IsSavepoint, pending.TriggerTime, pending.LatestAcknowledgement, null,
            acks.Count == 0 ? TimeSpan.Zero : acks.Max(a => a.SyncDuration),
            acks.Count == 0 ? TimeSpan.Zero : acks.Max(a => a.AsyncDuration),
            acks.Count == 0 ? TimeSpan.Zero : acks.Max(a => a.AlignmentDuration),
            acks.Sum(a => a.StateSize), pending.AcknowledgedCount, pending.ExpectedCount, path, failure);
    }
}
