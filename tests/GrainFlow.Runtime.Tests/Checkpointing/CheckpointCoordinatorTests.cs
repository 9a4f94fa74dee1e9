using GrainFlow.Checkpoints;
using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Savepoints;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Polling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GrainFlow.Runtime.Tests.Checkpointing;

/// <summary>
/// The coordinator's rules without a cluster: a host in memory stands in for the grain (its subtasks and job
/// manager), time is a <see cref="FakeTimeProvider"/>, and checkpoints go to a real directory.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CheckpointCoordinatorTests : IDisposable
{
    private static readonly SubtaskId Source = new("source", 0);
    private static readonly SubtaskId Sink = new("sink", 0);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "grainflow-coordinator-tests", Guid.NewGuid().ToString("N"));
    private readonly JobId _jobId = JobId.New();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));
    private readonly CoordinatorState _state = new();
    private readonly RecordingHost _host = new();
    private readonly CheckpointCoordinator _coordinator;

    public CheckpointCoordinatorTests()
    {
        Directory.CreateDirectory(_directory);
        _coordinator = new CheckpointCoordinator(_jobId, () => _state, _host, new GrainFlowStores(new FileSystemObjectStore(_directory)), _time, NullLogger.Instance);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task StartAsync(params (string Key, string Value)[] settings)
    {
        var configuration = new Dictionary<string, string>
        {
            ["execution.checkpointing.dir"] = _directory,
            // Triggered by the tests, not by ticks.
            ["execution.checkpointing.interval"] = "1 h",
        };
        foreach (var (key, value) in settings) configuration[key] = value;
        return _coordinator.StartAsync(new CoordinatorStart("test-job", Attempt: 1, new GrainFlowConfiguration(configuration), MaxParallelism: 128,
            Sources: [Source], AllSubtasks: [Source, Sink], VertexParallelism: new Dictionary<string, int> { ["source"] = 1, ["sink"] = 1 }));
    }

    private Task AcknowledgeAsync(SubtaskId subtask, long checkpointId) =>
        _coordinator.AcknowledgeAsync(1, checkpointId, new SubtaskSnapshot(subtask.VertexUid, subtask.Index, [], TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero));

    private string MetadataOf(long checkpointId) => Path.Combine(_directory, _jobId.Value, $"chk-{checkpointId}", CheckpointLayout.MetadataFileName);

    [Fact]
    public async Task ACheckpointIsTriggeredAtTheSourcesAndCompletesWithMetadataOnlyOnceEverySubtaskAcknowledged()
    {
        await StartAsync();

        var id = await _coordinator.TriggerCheckpointAsync();
        Assert.Equal([(Source, id)], _host.Triggered.Select(t => (t.Subtask, t.Barrier.CheckpointId)));

        await AcknowledgeAsync(Source, id);
        Assert.False(File.Exists(MetadataOf(id)));
        Assert.Empty(_host.Notified);

        await AcknowledgeAsync(Sink, id);
        var metadata = CheckpointMetadata.FromBytes(await File.ReadAllBytesAsync(MetadataOf(id)), MetadataOf(id));
        Assert.Equal(id, metadata.CheckpointId);
        Assert.Equal([id], _state.Completed.Select(c => c.CheckpointId));
        Assert.Equal(["sink", "source"], _host.Notified.Where(n => n.CheckpointId == id).Select(n => n.Subtask.VertexUid).Order());
        Assert.Equal(1, _state.Stats.Snapshot().Completed);
    }

    [Fact]
    public async Task ANewerCheckpointIsRecordedAndNotifiedBeforeTheOnlyRetainedOneItSubsumesIsDeleted()
    {
        await StartAsync(("execution.checkpointing.num-retained", "1"));
        var first = await _coordinator.TriggerCheckpointAsync();
        await AcknowledgeAsync(Source, first);
        await AcknowledgeAsync(Sink, first);
        var second = await _coordinator.TriggerCheckpointAsync();
        await AcknowledgeAsync(Source, second);
        _host.Events.Clear();
        _host.OnWriteState = () => _host.Events.Add(File.Exists(MetadataOf(first)) ? "write, first kept" : "write, first deleted");

        await AcknowledgeAsync(Sink, second);

        Assert.Equal([second], _state.Completed.Select(c => c.CheckpointId));
        Assert.True(File.Exists(MetadataOf(second)));
        Assert.False(File.Exists(MetadataOf(first)));
        // A coordinator that dies after deleting must never have recorded a completed checkpoint whose files are gone.
        Assert.Equal(["write, first kept", $"notify {second}", $"notify {second}"], _host.Events);
    }

    [Fact]
    public async Task DeclinesPastTheTolerableNumberTellTheJobManagerWithTheLastReason()
    {
        await StartAsync(("execution.checkpointing.tolerable-failed-checkpoints", "1"));

        await _coordinator.DeclineAsync(1, await _coordinator.TriggerCheckpointAsync(), Sink, "disk full", countsAsFailure: true);
        Assert.Empty(_host.FailureThresholdsExceeded);
        await _coordinator.DeclineAsync(1, await _coordinator.TriggerCheckpointAsync(), Sink, "disk still full", countsAsFailure: true);

        var (attempt, message) = Assert.Single(_host.FailureThresholdsExceeded);
        Assert.Equal(1, attempt);
        Assert.Equal($"Exceeded checkpoint tolerable failure threshold (1): declined by {Sink}: disk still full", message);
        Assert.Empty(_state.Completed);
    }

    [Fact]
    public async Task ADeclineThatDoesNotCountAbortsTheCheckpointWithoutFailingTheJob()
    {
        await StartAsync(("execution.checkpointing.tolerable-failed-checkpoints", "0"));

        await _coordinator.DeclineAsync(1, await _coordinator.TriggerCheckpointAsync(), Sink, "a savepoint is in the way", countsAsFailure: false);

        Assert.Empty(_host.FailureThresholdsExceeded);
        Assert.Equal(0, _state.ConsecutiveFailures);
        Assert.Contains("a savepoint is in the way", _state.Stats.Snapshot().LatestFailed!.FailureMessage);
    }

    [Fact]
    public async Task ACheckpointPastItsTimeoutExpiresOnTheNextTickAndALateAcknowledgementDoesNotCompleteIt()
    {
        await StartAsync(("execution.checkpointing.timeout", "1 min"));
        var id = await _coordinator.TriggerCheckpointAsync();
        await AcknowledgeAsync(Source, id);

        _time.Advance(TimeSpan.FromMinutes(2));
        await _coordinator.OnTickAsync();
        var expired = _state.Stats.Snapshot();
        Assert.Equal((0, 1), (expired.Completed, expired.Failed));
        Assert.Contains("expired before completing", expired.LatestFailed!.FailureMessage);

        await AcknowledgeAsync(Sink, id);

        var stats = _state.Stats.Snapshot();
        Assert.Equal((0, 1), (stats.Completed, stats.Failed));
        Assert.False(File.Exists(MetadataOf(id)));
        Assert.Empty(_host.Notified);
    }

    [Fact]
    public async Task ATriggerThatFailsComesBackToTheCoordinatorAsADeclineWithTheReason()
    {
        _host.TriggerFailure = new InvalidOperationException("the source's silo is gone");
        await StartAsync();

        var id = await _coordinator.TriggerCheckpointAsync();

        var decline = await _host.Declined.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((id, Source), (decline.CheckpointId, decline.Subtask));
        Assert.Equal("the trigger failed: the source's silo is gone", decline.Reason);
    }

    [Fact]
    public async Task TheFinalCheckpointGoesToEveryFinishedSubtaskAndIsReportedOnlyOnceEverySinkWasToldToCommit()
    {
        await StartAsync();
        await _coordinator.TakeFinalCheckpointAsync(1);
        var id = Assert.Single(_host.Triggered.Select(t => t.Barrier.CheckpointId).Distinct());
        Assert.Equal(["sink", "source"], _host.Triggered.Select(t => t.Subtask.VertexUid).Order());
        var notificationsHandled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.NotificationHandled = notificationsHandled.Task;
        await AcknowledgeAsync(Source, id);

        var completing = AcknowledgeAsync(Sink, id);
        // The completion goes on after writing _metadata, on another thread: wait until both subtasks were told.
        await Poll.UntilAsync(() => _host.NotifiedCount(id) == 2, "the subtasks were not notified");
        Assert.False(completing.IsCompleted);
        Assert.Empty(_host.FinalCheckpointsCompleted);

        notificationsHandled.SetResult();
        await completing;
        Assert.Equal([(1L, id)], _host.FinalCheckpointsCompleted);
    }

    [Fact]
    public async Task ACompletedCheckpointAbortsOlderOnesStillInFlightAndTheirLateAcknowledgementsWriteNoMetadata()
    {
        await StartAsync(("execution.checkpointing.max-concurrent-checkpoints", "2"));
        var older = await _coordinator.TriggerCheckpointAsync();
        var newer = await _coordinator.TriggerCheckpointAsync();

        await AcknowledgeAsync(Source, newer);
        await AcknowledgeAsync(Sink, newer);
        await AcknowledgeAsync(Source, older);
        await AcknowledgeAsync(Sink, older);

        Assert.Equal([newer], _state.Completed.Select(c => c.CheckpointId));
        Assert.False(File.Exists(MetadataOf(older)));
        var stats = _state.Stats.Snapshot();
        Assert.Equal((1, 1), (stats.Completed, stats.Failed));
        Assert.Equal("subsumed by a newer checkpoint", stats.LatestFailed!.FailureMessage);
    }

    [Fact]
    public async Task ASubtaskThatFinishesIsAskedDirectlyForEveryCheckpointStillWaitingForIt()
    {
        await StartAsync(("execution.checkpointing.max-concurrent-checkpoints", "2"));
        var first = await _coordinator.TriggerCheckpointAsync();
        await AcknowledgeAsync(Sink, first);
        var second = await _coordinator.TriggerCheckpointAsync();

        await _coordinator.ReportFinishedAsync(1, Sink);
        // A report of an older attempt changes nothing.
        await _coordinator.ReportFinishedAsync(0, Source);

        Assert.Equal([(Sink, second)], _host.Triggered.Where(t => t.Subtask == Sink).Select(t => (t.Subtask, t.Barrier.CheckpointId)));
        Assert.Equal([first, second], _host.Triggered.Where(t => t.Subtask == Source).Select(t => t.Barrier.CheckpointId));
    }

    [Fact]
    public async Task ASavepointIsWrittenToItsOwnDirectoryReportedWithItsPathAndNeverJoinsTheCompletedCheckpoints()
    {
        await StartAsync();
        var target = Path.Combine(_directory, "savepoints", "savepoint-1");

        var id = await _coordinator.TriggerSavepointAsync(new SavepointTrigger("trigger-1", new SnapshotTarget(target, SavepointFormatType.Canonical), SavepointTermination.None));
        Assert.True(Assert.Single(_host.Triggered).Barrier.IsSavepoint);
        await AcknowledgeAsync(Source, id);
        await AcknowledgeAsync(Sink, id);

        Assert.True(File.Exists(Path.Combine(target, CheckpointLayout.MetadataFileName)));
        var (triggerId, location, checkpointId) = Assert.Single(_host.SavepointsCompleted);
        Assert.Equal(("trigger-1", id), (triggerId, checkpointId));
        Assert.Contains("savepoint-1", location);
        Assert.Empty(_state.Completed);
        // A savepoint that does not end the job commits nothing.
        Assert.Empty(_host.Notified);
    }

    /// <summary>The grain's side in memory: records what the coordinator asked of subtasks and the job manager.</summary>
    private sealed class RecordingHost : ICheckpointCoordinatorHost
    {
        public List<(SubtaskId Subtask, CheckpointBarrier Barrier)> Triggered { get; } = [];
        public List<(SubtaskId Subtask, long CheckpointId)> Notified { get; } = [];

        public int NotifiedCount(long checkpointId)
        {
            lock (Notified) return Notified.Count(n => n.CheckpointId == checkpointId);
        }
        public List<(long Attempt, string Message)> FailureThresholdsExceeded { get; } = [];
        public List<(long Attempt, long CheckpointId)> FinalCheckpointsCompleted { get; } = [];
        public List<(string TriggerId, string Location, long CheckpointId)> SavepointsCompleted { get; } = [];
        public TaskCompletionSource<(long CheckpointId, SubtaskId Subtask, string Reason)> Declined { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Exception? TriggerFailure { get; set; }
        /// <summary>What the coordinator did, in order, while <see cref="OnWriteState"/> is set: writes of its state and notifications.</summary>
        public List<string> Events { get; } = [];
        public Action? OnWriteState { get; set; }
        /// <summary>When a subtask has handled a notification (a sink committed); at once unless set.</summary>
        public Task NotificationHandled { get; set; } = Task.CompletedTask;

        public bool ClusterStopping => false;

        public Task WriteStateAsync()
        {
            OnWriteState?.Invoke();
            return Task.CompletedTask;
        }

        public void StartTicking(CoordinatorStart start, TimeSpan tick) { }

        public void StopTicking() { }

        public Task TriggerCheckpointAsync(SubtaskId subtask, long attempt, CheckpointBarrier barrier)
        {
            if (TriggerFailure is { } failure) return Task.FromException(failure);
            Triggered.Add((subtask, barrier));
            return Task.CompletedTask;
        }

        public Task NotifyCheckpointCompleteAsync(SubtaskId subtask, long attempt, long checkpointId)
        {
            lock (Notified) Notified.Add((subtask, checkpointId));
            if (OnWriteState is not null) Events.Add($"notify {checkpointId}");
            return NotificationHandled;
        }

        public Task DeclineAsync(long attempt, long checkpointId, SubtaskId subtask, string reason)
        {
            Declined.TrySetResult((checkpointId, subtask, reason));
            return Task.CompletedTask;
        }

        public Task FinalCheckpointCompletedAsync(long attempt, long checkpointId)
        {
            FinalCheckpointsCompleted.Add((attempt, checkpointId));
            return Task.CompletedTask;
        }

        public Task SavepointCompletedAsync(long attempt, string triggerId, string location, long checkpointId)
        {
            SavepointsCompleted.Add((triggerId, location, checkpointId));
            return Task.CompletedTask;
        }

        public Task SavepointFailedAsync(long attempt, string triggerId, string reason) => Task.CompletedTask;

        public Task CheckpointFailureThresholdExceededAsync(long attempt, string message)
        {
            FailureThresholdsExceeded.Add((attempt, message));
            return Task.CompletedTask;
        }
    }
}
