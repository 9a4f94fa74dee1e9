using System.Diagnostics;
using GrainFlow.Checkpoints;
using GrainFlow.Jobs;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Diagnostics;

namespace GrainFlow.Runtime.Tests.Diagnostics;

/// <summary>The GrainFlow meter's instruments, read as an exporter reads them (a MeterListener), and the checkpoint traces.</summary>
[Trait("Category", "Unit")]
public sealed class GrainFlowInstrumentsTests
{
    // Every test uses its own job id: registries of clusters in other tests of this process are read too.
    private readonly string _jobId = JobId.New().Value;

    [Fact]
    public void SubtaskFiguresAppearUnderFlinksTaskNamesWithFlinksTagsUntilUnregistered()
    {
        using var registry = new MetricRegistry();
        var owner = new object();
        var group = new SubtaskMetricGroup(_jobId, "keyed-count", "count", "Count per key", 1, attempt: 2);
        registry.Register(owner, group);
        group.AddRecordsIn(250);
        group.AddRecordsIn(50);
        group.AddRecordsOut(120);
        group.SetInputWatermark(1_700_000_000_000);

        var seen = Collect();

        var recordsIn = Assert.Single(seen, m => m.Name == "flink.taskmanager.job.task.numRecordsIn");
        Assert.Equal(300, recordsIn.Value);
        Assert.Equal("keyed-count", recordsIn.Tags["job_name"]);
        Assert.Equal("count", recordsIn.Tags["task_id"]);
        Assert.Equal("Count per key", recordsIn.Tags["task_name"]);
        Assert.Equal(1, recordsIn.Tags["subtask_index"]);
        Assert.Equal(1L, recordsIn.Tags["task_attempt_num"]);
        Assert.Equal(120, Assert.Single(seen, m => m.Name == "flink.taskmanager.job.task.numRecordsOut").Value);
        Assert.Equal(1_700_000_000_000, Assert.Single(seen, m => m.Name == "flink.taskmanager.job.task.currentInputWatermark").Value);
        Assert.Contains(seen, m => m.Name == "flink.taskmanager.job.task.busyTimeMsPerSecond");
        Assert.Contains(seen, m => m.Name == "flink.taskmanager.job.task.backPressuredTimeMsPerSecond");

        registry.Unregister(owner);
        Assert.Empty(Collect());
    }

    [Fact]
    public void RatesAreWorkedOutFromTheCountersWhenRead()
    {
        var start = Stopwatch.GetTimestamp();
        var rate = new RateView(start);
        Assert.Equal(0, rate.Read(0, start + Stopwatch.Frequency / 2));
        // Two seconds later, 3000 more: 1500 a second; a read right after keeps that rate.
        var later = start + 2 * Stopwatch.Frequency + Stopwatch.Frequency / 10;
        Assert.Equal(3000 / 2.1, rate.Read(3000, later), precision: 6);
        Assert.Equal(3000 / 2.1, rate.Read(9999, later + 1), precision: 6);
    }

    [Fact]
    public void CheckpointStatisticsPublishFlinksJobCheckpointFigures()
    {
        using var registry = new MetricRegistry();
        var tracker = new CheckpointStatsTracker();
        registry.Register(tracker, tracker.MetricGroup(_jobId, "keyed-count"));
        Assert.Equal(-1, Single(Collect(), "lastCompletedCheckpointId"));

        var first = Pending(1, out var subtasks);
        tracker.ReportPending(first);
        Assert.Equal(1, Single(Collect(), "numberOfInProgressCheckpoints"));
        first.Acknowledge(subtasks[0], Snapshot(subtasks[0], 100), DateTimeOffset.UnixEpoch.AddMilliseconds(40));
        first.Acknowledge(subtasks[1], Snapshot(subtasks[1], 60), DateTimeOffset.UnixEpoch.AddMilliseconds(70));
        tracker.ReportCompleted(first, Completed(first, completedAfterMs: 75));
        var second = Pending(2, out _);
        tracker.ReportPending(second);
        tracker.ReportFailed(second, "Checkpoint expired before completing.", DateTimeOffset.UnixEpoch.AddSeconds(1));

        var seen = Collect();
        Assert.Equal(1, Single(seen, "numberOfCompletedCheckpoints"));
        Assert.Equal(1, Single(seen, "numberOfFailedCheckpoints"));
        Assert.Equal(0, Single(seen, "numberOfInProgressCheckpoints"));
        Assert.Equal(2, Single(seen, "totalNumberOfCheckpoints"));
        Assert.Equal(1, Single(seen, "lastCompletedCheckpointId"));
        Assert.Equal(75, Single(seen, "lastCheckpointDuration"));
        Assert.Equal(160, Single(seen, "lastCheckpointSize"));
        var sizes = seen.Where(m => m.Name == "grainflow.job.task.lastCheckpointStateSize").ToList();
        Assert.Equal([60L, 100L], sizes.Select(s => (long)s.Value).Order());
    }

    [Fact]
    public void ACheckpointIsOneTraceFromTriggerThroughItsAcknowledgementsToCompletion()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GrainFlowInstruments.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (stopped) stopped.Add(activity); },
        };
        ActivitySource.AddActivityListener(listener);
        var tracker = new CheckpointStatsTracker();
        tracker.MetricGroup(_jobId, "keyed-count");

        var pending = Pending(5, out var subtasks);
        tracker.ReportPending(pending);
        Assert.Null(Activity.Current);
        foreach (var subtask in subtasks) pending.Acknowledge(subtask, Snapshot(subtask, 10), DateTimeOffset.UnixEpoch.AddMilliseconds(20));
        tracker.ReportCompleted(pending, Completed(pending, completedAfterMs: 30));

        Activity trace;
        lock (stopped) trace = Assert.Single(stopped, a => _jobId.Equals(a.GetTagItem("job_id")));
        Assert.Equal(CheckpointTracing.CheckpointActivity, trace.OperationName);
        Assert.Equal(5L, trace.GetTagItem("checkpoint_id"));
        Assert.Equal(2, trace.Events.Count(e => e.Name == "acknowledged"));
        Assert.Equal(ActivityStatusCode.Ok, trace.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(30), trace.Duration);
    }

    private static long Single(List<Measured> seen, string jobMetric) =>
        (long)Assert.Single(seen, m => m.Name == "flink.jobmanager.job." + jobMetric).Value;

    private static PendingCheckpoint Pending(long id, out SubtaskId[] subtasks)
    {
        subtasks = [new SubtaskId("count", 0), new SubtaskId("count", 1)];
        return new PendingCheckpoint(id, 1, DateTimeOffset.UnixEpoch, CheckpointProperties.ForCheckpoint(ExternalizedCheckpointRetention.NoExternalizedCheckpoints), subtasks);
    }

    private static SubtaskSnapshot Snapshot(SubtaskId subtask, long size) => new(subtask.VertexUid, subtask.Index,
        [new OperatorSnapshot("count", new KeyGroupRange(0, 127), new StateHandle("count.state", null, 0, size, 1, new Dictionary<int, long>(), "xxh3"), null)],
        TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    private CompletedCheckpoint Completed(PendingCheckpoint pending, long completedAfterMs) => new(new JobId(_jobId), pending.CheckpointId, pending.TriggerTime,
        pending.TriggerTime.AddMilliseconds(completedAfterMs), pending.Properties, $"file:///tmp/chk-{pending.CheckpointId}", $"chk-{pending.CheckpointId}/",
        pending.Acknowledged.Values.Sum(a => a.StateSize), "file:///tmp");

    private List<Measured> Collect() => Exported.Collect(_jobId);
}
