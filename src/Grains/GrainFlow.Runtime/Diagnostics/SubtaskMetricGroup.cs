using System.Diagnostics;

namespace GrainFlow.Runtime.Diagnostics;

/// <summary>
/// One subtask attempt's figures (Flink's TaskIOMetricGroup): counted by the subtask's own thread,
/// once per batch, into plain fields; read by the metric exporters and <c>GetMetricsAsync</c> when
/// they ask. Rates and per-second times are worked out at read time from the counters.
/// </summary>
public sealed class SubtaskMetricGroup(string jobId, string jobName, string taskId, string taskName, int subtaskIndex, long attempt)
{
    private long _recordsIn;
    private long _recordsOut;
    private long _busyTicks;
    private long _backPressuredTicks;
    private long _alignmentNanos;
    private long _inputWatermark = long.MinValue;
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private readonly RateView _recordsInRate = new();
    private readonly RateView _recordsOutRate = new();
    private readonly RateView _busyRate = new();
    private readonly RateView _backPressuredRate = new();

    public string JobId { get; } = jobId;

    public string JobName { get; } = jobName;

    /// <summary>The vertex's id (Flink's task_id).</summary>
    public string TaskId { get; } = taskId;

    /// <summary>The vertex's name (Flink's task_name).</summary>
    public string TaskName { get; } = taskName;

    public int SubtaskIndex { get; } = subtaskIndex;

    public long Attempt { get; } = attempt;

    /// <summary>The tags every series of this subtask carries, as Flink's Prometheus reporter names them.</summary>
    public KeyValuePair<string, object?>[] Tags { get; } =
    [
        new("job_id", jobId), new("job_name", jobName), new("task_id", taskId), new("task_name", taskName),
        new("subtask_index", subtaskIndex), new("task_attempt_num", attempt - 1),
    ];

    public long RecordsIn => Volatile.Read(ref _recordsIn);

    public long RecordsOut => Volatile.Read(ref _recordsOut);

    /// <summary>Flink's currentInputWatermark: the subtask's input watermark in ms (long.MinValue before the first one).</summary>
    public long InputWatermark => Volatile.Read(ref _inputWatermark);

    /// <summary>Flink's checkpointAlignmentTime: how long the last barrier alignment took, in nanoseconds.</summary>
    public long AlignmentNanos => Volatile.Read(ref _alignmentNanos);

    public TimeSpan BusyTime => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _busyTicks));

    public TimeSpan BackPressuredTime => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _backPressuredTicks));

    /// <summary>What was neither busy nor back pressured since the attempt started (Flink's accumulated idle time).</summary>
    public TimeSpan IdleTime => Max(Stopwatch.GetElapsedTime(_startTimestamp) - BusyTime - BackPressuredTime, TimeSpan.Zero);

    public void AddRecordsIn(int count) => Volatile.Write(ref _recordsIn, _recordsIn + count);

    public void AddRecordsOut(int count) => Volatile.Write(ref _recordsOut, _recordsOut + count);

    /// <summary>Work on one batch (processing and flushing, back pressure excluded) that started at <paramref name="startTimestamp"/>.</summary>
    public void AddBusySince(long startTimestamp, long backPressuredTicksAtStart)
    {
        var busy = Stopwatch.GetTimestamp() - startTimestamp - (_backPressuredTicks - backPressuredTicksAtStart);
        if (busy > 0) Volatile.Write(ref _busyTicks, _busyTicks + busy);
    }

    /// <summary>The back pressure so far, in Stopwatch ticks: what <see cref="AddBusySince"/> takes away from a batch's time.</summary>
    public long BackPressuredTicks => _backPressuredTicks;

    public void AddBackPressuredSince(long startTimestamp) =>
        Volatile.Write(ref _backPressuredTicks, _backPressuredTicks + (Stopwatch.GetTimestamp() - startTimestamp));

    public void SetInputWatermark(long timestampMs) => Volatile.Write(ref _inputWatermark, timestampMs);

    public void SetAlignment(TimeSpan alignment) => Volatile.Write(ref _alignmentNanos, (long)(alignment.TotalMilliseconds * 1_000_000));

    public double RecordsInPerSecond() => _recordsInRate.Read(RecordsIn);

    public double RecordsOutPerSecond() => _recordsOutRate.Read(RecordsOut);

    /// <summary>Flink's busyTimeMsPerSecond: ms of each recent second spent on records (0..1000).</summary>
    public double BusyTimeMsPerSecond() => Math.Clamp(_busyRate.Read((long)BusyTime.TotalMilliseconds), 0, 1000);

    /// <summary>Flink's backPressuredTimeMsPerSecond: ms of each recent second spent waiting for output capacity (0..1000).</summary>
    public double BackPressuredTimeMsPerSecond() => Math.Clamp(_backPressuredRate.Read((long)BackPressuredTime.TotalMilliseconds), 0, 1000);

    /// <summary>Flink's idleTimeMsPerSecond: what is left of each second (0..1000).</summary>
    public double IdleTimeMsPerSecond() => Math.Clamp(1000 - BusyTimeMsPerSecond() - BackPressuredTimeMsPerSecond(), 0, 1000);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
