using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Recovery;

namespace GrainFlow.Runtime.Tests.Checkpointing;

[Trait("Category", "Unit")]
public sealed class CheckpointPolicyTests
{
    [Theory]
    // retention,                                        FINISHED, CANCELED, FAILED, SUSPENDED (true = deleted)
    [InlineData(ExternalizedCheckpointRetention.NoExternalizedCheckpoints, true, true, true, true)]
    [InlineData(ExternalizedCheckpointRetention.DeleteOnCancellation, true, true, false, true)]
    [InlineData(ExternalizedCheckpointRetention.RetainOnCancellation, true, false, false, false)]
    public void CheckpointsAreDeletedOnTerminalStatesExactlyAsFlinksTable(ExternalizedCheckpointRetention retention, bool finished, bool canceled, bool failed, bool suspended)
    {
        var properties = CheckpointProperties.ForCheckpoint(retention);
        Assert.Equal(finished, properties.DiscardOnShutdown(JobStatus.Finished));
        Assert.Equal(canceled, properties.DiscardOnShutdown(JobStatus.Canceled));
        Assert.Equal(failed, properties.DiscardOnShutdown(JobStatus.Failed));
        Assert.Equal(suspended, properties.DiscardOnShutdown(JobStatus.Suspended));
        Assert.True(properties.DiscardSubsumed);
    }

    [Fact]
    public void SavepointsAndUnclaimedSnapshotsAreNeverDeleted()
    {
        foreach (var properties in new[] { CheckpointProperties.ForSavepoint(false, false), CheckpointProperties.ForSavepoint(true, true), CheckpointProperties.ForUnclaimedSnapshot() })
        {
            Assert.False(properties.DiscardSubsumed);
            Assert.All(new[] { JobStatus.Finished, JobStatus.Canceled, JobStatus.Failed, JobStatus.Suspended }, s => Assert.False(properties.DiscardOnShutdown(s)));
        }
    }

    private static CompletedCheckpoint Completed(long id, CheckpointProperties properties) =>
        new(new JobId("0123456789abcdef0123456789abcdef"), id, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, properties, $"/c/chk-{id}", $"j/chk-{id}/", 0, "/c");

    [Fact]
    public void TheStoreSubsumesTheOldestCheckpointsBeyondNumRetainedButNeverASavepoint()
    {
        var store = new CompletedCheckpointStore(2);
        var checkpoint = CheckpointProperties.ForCheckpoint(ExternalizedCheckpointRetention.RetainOnCancellation);
        Assert.Empty(store.Add(Completed(1, checkpoint)));
        Assert.Empty(store.Add(Completed(2, CheckpointProperties.ForUnclaimedSnapshot())));
        Assert.Empty(store.Add(Completed(3, checkpoint)));
        Assert.Equal([1L], store.Add(Completed(4, checkpoint)).Select(c => c.CheckpointId));
        Assert.Equal([2L, 3L, 4L], store.All.Select(c => c.CheckpointId));
        Assert.Equal(4, store.Latest!.CheckpointId);
        Assert.Equal([3L, 4L], store.Shutdown(JobStatus.Finished).Select(c => c.CheckpointId));
        Assert.Empty(store.All);
    }

    [Fact]
    public void AcknowledgementsAreCountedOnceAndLateOnesAfterAnAbortAreDiscarded()
    {
        var a = new SubtaskId("count", 0);
        var b = new SubtaskId("count", 1);
        var pending = new PendingCheckpoint(7, 1, DateTimeOffset.UnixEpoch, CheckpointProperties.ForCheckpoint(ExternalizedCheckpointRetention.NoExternalizedCheckpoints), [a, b]);
        var snapshot = new SubtaskSnapshot("count", 0, [], TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

        Assert.Equal(AcknowledgeResult.Success, pending.Acknowledge(a, snapshot, DateTimeOffset.UnixEpoch));
        Assert.Equal(AcknowledgeResult.Duplicate, pending.Acknowledge(a, snapshot, DateTimeOffset.UnixEpoch));
        Assert.Equal(AcknowledgeResult.Unknown, pending.Acknowledge(new SubtaskId("other", 0), snapshot, DateTimeOffset.UnixEpoch));
        Assert.False(pending.IsFullyAcknowledged);
        pending.Abort("expired");
        Assert.Equal(AcknowledgeResult.Discarded, pending.Acknowledge(b, snapshot, DateTimeOffset.UnixEpoch));
        Assert.False(pending.IsFullyAcknowledged);
        Assert.Equal("expired", pending.AbortReason);
    }

    [Fact]
    public void CheckpointingKeysFollowFlinksDefaultsAndAliases()
    {
        var empty = GrainFlowConfiguration.Empty;
        Assert.Null(empty.GetOptional(CheckpointingOptions.Interval));
        Assert.Equal(CheckpointingMode.ExactlyOnce, empty.Get(CheckpointingOptions.Mode));
        Assert.Equal(TimeSpan.FromMinutes(10), empty.Get(CheckpointingOptions.Timeout));
        Assert.Equal(1, empty.Get(CheckpointingOptions.MaxConcurrent));
        Assert.Equal(0, empty.Get(CheckpointingOptions.TolerableFailures));
        Assert.Equal(1, empty.Get(CheckpointingOptions.NumRetained));
        Assert.Equal(ExternalizedCheckpointRetention.NoExternalizedCheckpoints, empty.Get(CheckpointingOptions.Retention));

        var seed = new GrainFlowConfiguration([
            new("execution.checkpointing.interval", "30s"),
            new("execution.checkpointing.mode", "AT_LEAST_ONCE"),
            new("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION"),
            new("state.backend.type", "hashmap"),
            new("state.checkpoints.dir", "file:///tmp/flink-checkpoints"),
            new("state.checkpoints.num-retained", "3"),
        ]);
        Assert.Equal(TimeSpan.FromSeconds(30), seed.Get(CheckpointingOptions.Interval));
        Assert.Equal(CheckpointingMode.AtLeastOnce, seed.Get(CheckpointingOptions.Mode));
        Assert.Equal(ExternalizedCheckpointRetention.RetainOnCancellation, seed.Get(CheckpointingOptions.Retention));
        Assert.Equal("file:///tmp/flink-checkpoints", seed.Get(CheckpointingOptions.Directory));
        Assert.Equal(3, seed.Get(CheckpointingOptions.NumRetained));

        var bad = new GrainFlowConfiguration([new("execution.checkpointing.externalized-checkpoint-retention", "KEEP_FOREVER")]);
        var error = Assert.Throws<ConfigurationValueException>(() => bad.Get(CheckpointingOptions.Retention));
        Assert.Contains("NO_EXTERNALIZED_CHECKPOINTS, DELETE_ON_CANCELLATION, RETAIN_ON_CANCELLATION", error.Message);
    }

    [Fact]
    public void WithoutARestartStrategyAJobRestartsWithExponentialDelayOnlyWhenCheckpointing()
    {
        Assert.IsType<NoRestartStrategy>(RestartStrategy.From(GrainFlowConfiguration.Empty, checkpointingEnabled: false));
        Assert.IsType<ExponentialDelayRestartStrategy>(RestartStrategy.From(GrainFlowConfiguration.Empty, checkpointingEnabled: true));
        Assert.IsType<NoRestartStrategy>(RestartStrategy.From(new GrainFlowConfiguration([new("restart-strategy.type", "off")]), checkpointingEnabled: true));
        var error = Assert.Throws<ConfigurationValueException>(() => RestartStrategy.From(new GrainFlowConfiguration([new("restart-strategy.type", "sometimes")]), true));
        Assert.Contains("'restart-strategy.type'", error.Message);
    }

    [Fact]
    public void FixedDelayRestartsTheConfiguredNumberOfTimes()
    {
        var strategy = RestartStrategy.From(new GrainFlowConfiguration([new("restart-strategy.type", "fixed-delay"), new("restart-strategy.fixed-delay.attempts", "2"), new("restart-strategy.fixed-delay.delay", "5 s")]), false);
        var now = DateTimeOffset.UnixEpoch;
        Assert.Equal(TimeSpan.FromSeconds(5), strategy.OnFailure(now));
        Assert.Equal(TimeSpan.FromSeconds(5), strategy.OnFailure(now));
        Assert.Null(strategy.OnFailure(now));
    }

    [Fact]
    public void FailureRateGivesUpWhenTooManyFailuresFallInOneInterval()
    {
        var strategy = new FailureRateRestartStrategy(2, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        var t = DateTimeOffset.UnixEpoch;
        Assert.NotNull(strategy.OnFailure(t));
        Assert.NotNull(strategy.OnFailure(t.AddSeconds(10)));
        Assert.NotNull(strategy.OnFailure(t.AddMinutes(2)));
        Assert.NotNull(strategy.OnFailure(t.AddMinutes(2).AddSeconds(1)));
        Assert.Null(strategy.OnFailure(t.AddMinutes(2).AddSeconds(2)));
    }

    [Fact]
    public void ExponentialDelayGrowsToItsMaximumAndResetsAfterAQuietPeriod()
    {
        var strategy = new ExponentialDelayRestartStrategy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 2, TimeSpan.FromHours(1), 0, int.MaxValue, new Random(1));
        var t = DateTimeOffset.UnixEpoch;
        Assert.Equal([1, 2, 4, 5, 5], Enumerable.Range(0, 5).Select(i => strategy.OnFailure(t.AddSeconds(i))!.Value.TotalSeconds));
        Assert.Equal(1, strategy.OnFailure(t.AddHours(2))!.Value.TotalSeconds);
    }
}
