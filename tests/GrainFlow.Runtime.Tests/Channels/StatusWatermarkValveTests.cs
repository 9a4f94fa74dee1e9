using GrainFlow.Runtime.Channels;
using static GrainFlow.Runtime.Tests.EventTime.EventTimeTestKit;

namespace GrainFlow.Runtime.Tests.Channels;

/// <summary>
/// A subtask's watermark from its input channels: the minimum over the active ones, never backwards,
/// idle channels left out and rejoining once caught up, ended channels at long.MaxValue.
/// </summary>
[Trait("Category", "Unit")]
public sealed class StatusWatermarkValveTests
{
    // Edge 0 with three senders: channels (0,0), (0,1), (0,2).
    private readonly StatusWatermarkValve _valve = new([(0, 3)]);

    private List<string> Watermark(int sender, long watermarkMs) => Describe(_valve.InputWatermark(0, sender, watermarkMs));

    private List<string> Status(int sender, bool idle) => Describe(_valve.InputWatermarkStatus(0, sender, idle));

    [Fact]
    public void TheWatermarkIsTheMinimumOverTheChannelsOnceEachHasOne()
    {
        Assert.Empty(Watermark(0, 100));
        Assert.Empty(Watermark(1, 50));
        Assert.Equal(["watermark 50"], Watermark(2, 70));
        Assert.Equal(["watermark 70"], Watermark(1, 200));
        Assert.Equal(["watermark 100"], Watermark(2, 300));
        Assert.Equal(100, _valve.CurrentWatermark);
    }

    [Fact]
    public void AChannelsWatermarkThatGoesBackIsIgnoredAndTheOutputNeverGoesBack()
    {
        Watermark(0, 100);
        Watermark(1, 100);
        Assert.Equal(["watermark 100"], Watermark(2, 100));

        Assert.Empty(Watermark(0, 40));
        Assert.Empty(Watermark(1, 100));
        Assert.Equal(100, _valve.CurrentWatermark);
    }

    [Fact]
    public void ChannelsOfSeveralEdgesAreOneMinimum()
    {
        var valve = new StatusWatermarkValve([(0, 1), (3, 2)]);
        Assert.Empty(valve.InputWatermark(0, 0, 10));
        Assert.Empty(valve.InputWatermark(3, 0, 20));
        Assert.Equal(["watermark 10"], Describe(valve.InputWatermark(3, 1, 30)));
        Assert.Throws<InvalidOperationException>(() => valve.InputWatermark(1, 0, 10));
    }

    [Fact]
    public void AnIdleChannelStopsHoldingTheWatermarkBack()
    {
        Watermark(0, 100);
        Watermark(1, 500);
        Assert.Equal(["watermark 100"], Watermark(2, 600));

        Assert.Equal(["watermark 500"], Status(0, idle: true));
        Assert.Equal(["watermark 600"], Watermark(1, 700));
        Assert.False(_valve.IsIdle);
    }

    [Fact]
    public void AWatermarkOnAnIdleChannelIsIgnored()
    {
        Status(0, idle: true);
        Watermark(1, 10);
        Assert.Equal(["watermark 10"], Watermark(2, 20));

        Assert.Empty(Watermark(0, 5));
        Assert.Equal(10, _valve.CurrentWatermark);
    }

    [Fact]
    public void ARejoiningChannelCountsAgainOnlyOnceItCaughtUpSoTheOutputNeverGoesBack()
    {
        Watermark(0, 100);
        Watermark(1, 500);
        Watermark(2, 600);
        Status(0, idle: true); // output 500

        Assert.Empty(Status(0, idle: false));
        Assert.Empty(Watermark(0, 200)); // behind the output: not counted yet
        Assert.Equal(["watermark 600"], Watermark(1, 900));
        Assert.Equal(600, _valve.CurrentWatermark);

        Assert.Empty(Watermark(0, 650)); // caught up: counts again
        Assert.Equal(["watermark 650"], Watermark(2, 1_000)); // and now holds the minimum
        Assert.Equal(["watermark 900"], Watermark(0, 2_000));
    }

    [Fact]
    public void WhenEveryChannelIsIdleTheSubtaskGoesIdleAfterAdvancingToTheHighestWatermark()
    {
        Watermark(0, 100);
        Watermark(1, 300);
        Watermark(2, 200);
        Assert.Equal(["watermark 200"], Status(0, idle: true));
        Assert.Empty(Status(1, idle: true));

        Assert.Equal(["watermark 300", "watermark-status IDLE"], Status(2, idle: true));
        Assert.True(_valve.IsIdle);

        Assert.Equal(["watermark-status ACTIVE"], Status(1, idle: false));
        Assert.False(_valve.IsIdle);
        Assert.Equal(["watermark 400"], Watermark(1, 400));
    }

    [Fact]
    public void AnEndedChannelCountsAsTheEndOfTime()
    {
        Watermark(0, 100);
        Watermark(1, 200);
        Assert.Equal(["watermark 100"], Watermark(2, 300));

        Assert.Equal(["watermark 200"], Describe(_valve.EndOfInput(0, 0)));
        Assert.Empty(Watermark(0, 5)); // nothing more counts on an ended channel
        Assert.Equal(["watermark 300"], Describe(_valve.EndOfInput(0, 1)));
        Assert.Equal(["watermark MAX"], Describe(_valve.EndOfInput(0, 2)));
        Assert.Equal(long.MaxValue, _valve.CurrentWatermark);
        Assert.Empty(_valve.EndOfInput(0, 2));
    }

    [Fact]
    public void AChannelEndingWhileEveryOtherIsIdleReleasesEverything()
    {
        Status(0, idle: true);
        Status(1, idle: true);
        Assert.Equal(["watermark-status IDLE"], Status(2, idle: true));

        Assert.Equal(["watermark-status ACTIVE", "watermark MAX"], Describe(_valve.EndOfInput(0, 2)));
        Assert.Empty(Status(2, idle: true)); // an ended channel has no status any more
    }
}
