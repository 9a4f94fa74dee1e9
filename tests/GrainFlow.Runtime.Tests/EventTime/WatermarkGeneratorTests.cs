using GrainFlow.Runtime.Api.Time;
using Microsoft.Extensions.Time.Testing;

namespace GrainFlow.Runtime.Tests.EventTime;

/// <summary>The watermark generators and strategies: Flink's formulas, idleness on a manual clock, and bad input.</summary>
[Trait("Category", "Unit")]
public sealed class WatermarkGeneratorTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly WatermarkRecorder _output = new();

    [Fact]
    public void BoundedOutOfOrdernessEmitsTheHighestTimestampMinusTheBoundMinusOne()
    {
        var generator = WatermarkStrategy<long>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(5)).CreateWatermarkGenerator(_clock);

        generator.OnPeriodicEmit(_output);
        generator.OnEvent(1, 20_000, _output);
        generator.OnEvent(2, 12_000, _output); // out of order: does not lower the watermark
        generator.OnPeriodicEmit(_output);
        generator.OnEvent(3, 30_000, _output);
        generator.OnPeriodicEmit(_output);

        Assert.Equal([$"wm {long.MinValue}", "wm 14999", "wm 24999"], _output.Calls);
    }

    [Fact]
    public void MonotonousTimestampsEmitTheHighestTimestampMinusOne()
    {
        var generator = WatermarkStrategy<long>.ForMonotonousTimestamps().CreateWatermarkGenerator(_clock);

        generator.OnEvent(1, 1_000, _output);
        generator.OnEvent(2, 1_500, _output);
        generator.OnPeriodicEmit(_output);

        Assert.Equal(["wm 1499"], _output.Calls);
    }

    [Fact]
    public void NoWatermarksNeverEmitsAndKeepsTheRecordsOwnTimestamp()
    {
        var strategy = WatermarkStrategy<long>.NoWatermarks();
        var generator = strategy.CreateWatermarkGenerator(_clock);

        generator.OnEvent(1, 1_000, _output);
        generator.OnPeriodicEmit(_output);

        Assert.Empty(_output.Calls);
        Assert.Equal(1_000, strategy.ExtractTimestamp(7, 1_000, "source"));
    }

    [Fact]
    public void TheTimestampAssignerSeesTheElementAndItsPreviousTimestamp()
    {
        var fromElement = WatermarkStrategy<long>.ForMonotonousTimestamps().WithTimestampAssigner(e => e * 10);
        var fromBoth = WatermarkStrategy<long>.ForMonotonousTimestamps().WithTimestampAssigner((e, previous) => previous + e);

        Assert.Equal(70, fromElement.ExtractTimestamp(7, 1_000, "assigner"));
        Assert.Equal(1_007, fromBoth.ExtractTimestamp(7, 1_000, "assigner"));
    }

    [Fact]
    public void AThrowingTimestampAssignerFailsWithAMessageNamingTheOperatorAndWhatToDo()
    {
        var strategy = WatermarkStrategy<string>.ForMonotonousTimestamps().WithTimestampAssigner(e => long.Parse(e));

        var error = Assert.Throws<GrainFlow.Errors.NonRecoverableJobException>(() => strategy.ExtractTimestamp("not a number", long.MinValue, "Parse events"));

        Assert.Contains("'Parse events'", error.Message);
        Assert.Contains("FormatException", error.Message);
        Assert.Contains("filter out", error.Message);
        Assert.IsType<FormatException>(error.InnerException);
    }

    [Fact]
    public void AStreamWithoutRecordsForLongerThanTheIdleTimeoutGoesIdleAndItsNextRecordMakesItActive()
    {
        var generator = WatermarkStrategy<long>.ForMonotonousTimestamps().WithIdleness(TimeSpan.FromSeconds(10)).CreateWatermarkGenerator(_clock);
        generator.OnEvent(1, 1_000, _output);
        generator.OnPeriodicEmit(_output); // saw a record since the last emission: active
        Assert.Equal(["wm 999"], _output.Take());

        _clock.Advance(TimeSpan.FromSeconds(1));
        generator.OnPeriodicEmit(_output); // the first emission without records starts the countdown
        _clock.Advance(TimeSpan.FromSeconds(10));
        generator.OnPeriodicEmit(_output); // exactly the timeout: not yet idle
        Assert.Equal(["wm 999", "wm 999"], _output.Take());

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        generator.OnPeriodicEmit(_output);
        generator.OnPeriodicEmit(_output); // idle once, not again
        Assert.Equal(["idle"], _output.Take());

        generator.OnEvent(2, 5_000, _output);
        generator.OnPeriodicEmit(_output);
        Assert.Equal(["active", "wm 4999"], _output.Take());
    }

    [Fact]
    public void RecordsKeepAStreamActiveHoweverLongItRuns()
    {
        var generator = WatermarkStrategy<long>.ForMonotonousTimestamps().WithIdleness(TimeSpan.FromSeconds(1)).CreateWatermarkGenerator(_clock);
        for (var i = 0; i < 20; i++)
        {
            generator.OnEvent(i, i, _output);
            _clock.Advance(TimeSpan.FromSeconds(5));
            generator.OnPeriodicEmit(_output);
        }

        Assert.DoesNotContain("idle", _output.Calls);
    }

    [Fact]
    public void ACustomGeneratorIsCreatedOncePerStream()
    {
        var created = 0;
        var strategy = WatermarkStrategy<long>.ForGenerator(() =>
        {
            created++;
            return new EveryEventIsAWatermark();
        });

        var first = strategy.CreateWatermarkGenerator(_clock);
        var second = strategy.CreateWatermarkGenerator(_clock);
        first.OnEvent(1, 42, _output);

        Assert.NotSame(first, second);
        Assert.Equal(2, created);
        Assert.Equal(["wm 42"], _output.Calls);
    }

    [Fact]
    public void ACustomGeneratorSupplierThatReturnsNullIsAClearError()
    {
        var strategy = WatermarkStrategy<long>.ForGenerator(() => null!);

        var error = Assert.Throws<InvalidOperationException>(() => strategy.CreateWatermarkGenerator(_clock));

        Assert.Contains("returned null", error.Message);
    }

    [Fact]
    public void ANegativeOutOfOrdernessIsRefusedWithAClearMessage()
    {
        var error = Assert.Throws<ArgumentException>(() => WatermarkStrategy<long>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(-5)));

        Assert.Equal("maxOutOfOrderness", error.ParamName);
        Assert.StartsWith("The out-of-orderness must be zero or more, not -00:00:05.", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void AnIdleTimeoutThatIsNotPositiveIsRefusedWithAClearMessage(int seconds)
    {
        var error = Assert.Throws<ArgumentException>(() => WatermarkStrategy<long>.ForMonotonousTimestamps().WithIdleness(TimeSpan.FromSeconds(seconds)));

        Assert.Equal("idleTimeout", error.ParamName);
        Assert.Contains("The idle timeout must be greater than zero", error.Message);
    }

    [Fact]
    public void AnAbsurdlyLargeBoundIsRefusedInsteadOfOverflowingEventTime()
    {
        var error = Assert.Throws<ArgumentException>(() => WatermarkStrategy<long>.ForBoundedOutOfOrderness(TimeSpan.MaxValue));

        Assert.Contains("absurd", error.Message);
    }

    [Fact]
    public void MissingArgumentsAreRefusedAtOnce()
    {
        Assert.Throws<ArgumentNullException>(() => WatermarkStrategy<long>.ForGenerator(null!));
        Assert.Throws<ArgumentNullException>(() => WatermarkStrategy<long>.NoWatermarks().WithTimestampAssigner((Func<long, long>)null!));
        Assert.Throws<ArgumentNullException>(() => WatermarkStrategy<long>.NoWatermarks().WithTimestampAssigner((Func<long, long, long>)null!));
    }

    private sealed class EveryEventIsAWatermark : IWatermarkGenerator<long>
    {
        public void OnEvent(long element, long eventTimestamp, IWatermarkOutput output) => output.EmitWatermark(eventTimestamp);

        public void OnPeriodicEmit(IWatermarkOutput output) { }
    }
}
