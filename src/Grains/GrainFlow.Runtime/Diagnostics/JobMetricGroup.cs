using System.Diagnostics;

namespace GrainFlow.Runtime.Diagnostics;

/// <summary>
/// A job's figures that its job manager keeps (Flink's JobManagerJobMetricGroup): numRestarts,
/// uptime and lastCheckpointRestoreTimestamp. Set by the job manager's grain thread at each status
/// change, read by the exporters.
/// </summary>
public sealed class JobMetricGroup(string jobId, string jobName)
{
    private long _restarts;
    private long _restoreTimestampMs = -1;
    private long _runningSinceTimestamp;
    // 0: not running, 1: running since _runningSinceTimestamp, 2: terminal.
    private int _phase;

    public string JobId { get; } = jobId;

    public string JobName { get; } = jobName;

    public KeyValuePair<string, object?>[] Tags { get; } = [new("job_id", jobId), new("job_name", jobName)];

    /// <summary>Flink's numRestarts: how often the job restarted (attempts after the first).</summary>
    public long Restarts => Volatile.Read(ref _restarts);

    /// <summary>Flink's lastCheckpointRestoreTimestamp: when the job last restored from a snapshot (ms since the epoch; -1 when never).</summary>
    public long RestoreTimestampMs => Volatile.Read(ref _restoreTimestampMs);

    /// <summary>Flink's uptime: ms the job has been running without interruption; 0 while not running, -1 once it ended.</summary>
    public long UptimeMs => Volatile.Read(ref _phase) switch
    {
        1 => (long)Stopwatch.GetElapsedTime(Volatile.Read(ref _runningSinceTimestamp)).TotalMilliseconds,
        2 => -1,
        _ => 0,
    };

    public void SetRestarts(long restarts) => Volatile.Write(ref _restarts, restarts);

    public void SetRestored(DateTimeOffset at) => Volatile.Write(ref _restoreTimestampMs, at.ToUnixTimeMilliseconds());

    public void SetRunning()
    {
        if (Volatile.Read(ref _phase) == 1) return;
        Volatile.Write(ref _runningSinceTimestamp, Stopwatch.GetTimestamp());
        Volatile.Write(ref _phase, 1);
    }

    public void SetNotRunning(bool terminal) => Volatile.Write(ref _phase, terminal ? 2 : 0);
}
