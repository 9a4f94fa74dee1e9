using GrainFlow.Configuration;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;

namespace GrainFlow.Runtime.Tests.Checkpointing;

/// <summary>web.checkpoints.history: how many checkpoints the statistics keep for the REST API and the dashboard.</summary>
[Trait("Category", "Unit")]
public sealed class CheckpointStatsHistoryTests
{
    private static void Fail(CheckpointStatsTracker tracker, long id) =>
        tracker.ReportFailed(new PendingCheckpoint(id, 1, DateTimeOffset.UnixEpoch, CheckpointProperties.ForCheckpoint(ExternalizedCheckpointRetention.NoExternalizedCheckpoints), []),
            "declined", DateTimeOffset.UnixEpoch);

    [Fact]
    public void TheHistoryKeepsFlinksDefaultOfTenUntilTheJobsSettingIsApplied()
    {
        var tracker = new CheckpointStatsTracker();
        for (var id = 1; id <= 12; id++) Fail(tracker, id);
        Assert.Equal(Enumerable.Range(3, 10).Reverse().Select(i => (long)i), tracker.Snapshot().History.Select(h => h.Id));

        tracker.KeepHistoryOf(3);
        Fail(tracker, 13);
        Assert.Equal([13L, 12L, 11L], tracker.Snapshot().History.Select(h => h.Id));

        tracker.KeepHistoryOf(20);
        for (var id = 14; id <= 30; id++) Fail(tracker, id);
        Assert.Equal(20, tracker.Snapshot().History.Count);
        Assert.Equal(30, tracker.Snapshot().Failed);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("ten")]
    public void AHistorySizeOutsideOneToAThousandIsRefusedNamingTheKey(string value)
    {
        var problems = new GrainFlowConfiguration(new Dictionary<string, string> { ["web.checkpoints.history"] = value }).Validate(WebOptions.All);

        var problem = Assert.Single(problems);
        Assert.Contains("web.checkpoints.history", problem, StringComparison.Ordinal);
        Assert.Contains("from 1 to 1000", problem, StringComparison.Ordinal);
    }
}
