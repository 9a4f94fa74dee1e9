using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Sources;
using GrainFlow.Runtime.Sources.Alignment;

namespace GrainFlow.Runtime.Tests.EventTime;

/// <summary>Watermark alignment's pieces without a cluster: the group's arithmetic and the strategy's checks.</summary>
[Trait("Category", "Unit")]
public sealed class WatermarkAlignmentTests
{
    [Fact]
    public void ASourceMayGoAsFarAsTheGroupsLowestWatermarkPlusTheDrift()
    {
        var group = new WatermarkAlignmentGroup();

        Assert.Equal(10_500, group.Report("a", 10_000, 500)); // alone: only its own watermark counts
        Assert.Equal(3_500, group.Report("b", 3_000, 500));
        Assert.Equal(3_500, group.Report("a", 12_000, 500));
        Assert.Equal(8_500, group.Report("b", 8_000, 500)); // its own new report counts, not its old one
    }

    [Fact]
    public void FinishedOrIdleSourcesHoldNobodyBackAndTheLimitNeverOverflows()
    {
        var group = new WatermarkAlignmentGroup();

        Assert.Equal(long.MinValue + 500, group.Report("a", long.MinValue, 500));
        Assert.Equal(long.MaxValue, group.Report("a", long.MaxValue, 500));
        Assert.Equal(2_500, group.Report("b", 2_000, 500));
        Assert.Equal(long.MaxValue, group.Report("b", long.MaxValue - 100, 500));
    }

    [Theory]
    [InlineData("", 1_000, 100, "group name")]
    [InlineData("views", 0, 100, "maximum allowed watermark drift must be greater than zero")]
    [InlineData("views", -5, 100, "maximum allowed watermark drift must be greater than zero")]
    [InlineData("views", 1_000, 0, "update interval must be greater than zero")]
    public void AStrategyRefusesAnAlignmentWithoutAGroupOrWithADurationThatIsNotPositive(string group, long driftMs, long updateMs, string message)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            WatermarkStrategy<long>.ForMonotonousTimestamps().WithWatermarkAlignment(group, TimeSpan.FromMilliseconds(driftMs), TimeSpan.FromMilliseconds(updateMs)));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void AnAlignmentIsKeptByTheOtherSettingsOfTheStrategyAndUpdatesOncePerSecondUnlessTold()
    {
        var strategy = WatermarkStrategy<long>.ForMonotonousTimestamps()
            .WithWatermarkAlignment(" views ", TimeSpan.FromSeconds(20))
            .WithTimestampAssigner(n => n)
            .WithIdleness(TimeSpan.FromSeconds(5));

        Assert.Equal(new WatermarkAlignment("views", TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1)), strategy.Alignment);
    }

    [Fact]
    public void AssigningAlignedWatermarksMidStreamIsRefusedWithWhereToPutThem()
    {
        var env = new StreamExecutionEnvironment(GrainFlowConfiguration.Empty);
        var numbers = env.FromSource(new GeneratorSource<long>(10, n => n), "Numbers");
        var aligned = WatermarkStrategy<long>.ForMonotonousTimestamps().WithWatermarkAlignment("views", TimeSpan.FromSeconds(1));

        var error = Assert.Throws<ArgumentException>(() => numbers.AssignTimestampsAndWatermarks(aligned, "Stamps"));

        Assert.Contains("'Stamps'", error.Message);
        Assert.Contains("FromSource", error.Message);
    }
}
