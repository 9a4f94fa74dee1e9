using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Sources;
using Microsoft.Extensions.Time.Testing;
using static GrainFlow.Runtime.Tests.EventTime.EventTimeTestKit;

namespace GrainFlow.Runtime.Tests.EventTime;

/// <summary>
/// A source subtask reading several splits: each split has its own watermark, the source's is their
/// minimum with idle splits left out, and it never goes backwards; each record carries its timestamp
/// into the chain's timestamp slot.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SourceReaderOutputTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly RecordTimestamp _timestamp = new();
    private readonly TimestampedRecords<Event> _chain;

    public SourceReaderOutputTests() => _chain = new TimestampedRecords<Event>(_timestamp);

    public sealed record Event(string Name, long At);

    private SourceReaderOutput<Event> Output(WatermarkStrategy<Event> strategy) => new(strategy, _chain, _timestamp, _clock, "Events");

    private static WatermarkStrategy<Event> ByAt(TimeSpan outOfOrderness) =>
        WatermarkStrategy<Event>.ForBoundedOutOfOrderness(outOfOrderness).WithTimestampAssigner((e, _) => e.At);

    [Fact]
    public void EachRecordGoesDownTheChainWithTheTimestampTheAssignerGaveIt()
    {
        var output = Output(ByAt(TimeSpan.Zero));
        var split = output.CreateOutputForSplit("partition-0");

        split.Collect(new Event("a", 1_000));
        split.Collect(new Event("b", 2_000), timestampMs: 99);

        Assert.Equal([("a", 1_000L), ("b", 2_000L)], _chain.Items.Select(i => (i.Record.Name, i.Timestamp)));
    }

    [Fact]
    public void WithoutAnAssignerARecordKeepsTheTimestampTheSourceGaveIt()
    {
        var output = Output(WatermarkStrategy<Event>.ForMonotonousTimestamps());

        output.CreateOutputForSplit("partition-0").Collect(new Event("a", 0), timestampMs: 5_000);
        output.Collect(new Event("b", 0));

        Assert.Equal([5_000L, RecordTimestamp.None], _chain.Items.Select(i => i.Timestamp));
    }

    [Fact]
    public void TheSourcesWatermarkIsTheMinimumOverItsSplits()
    {
        var output = Output(ByAt(TimeSpan.FromSeconds(1)));
        var fast = output.CreateOutputForSplit("partition-0");
        var slow = output.CreateOutputForSplit("partition-1");

        fast.Collect(new Event("a", 10_000));
        Assert.Empty(output.EmitPeriodic()); // the slow split has no record yet: it holds the watermark back

        slow.Collect(new Event("b", 4_000));
        Assert.Equal(["watermark 2999"], Describe(output.EmitPeriodic()));

        slow.Collect(new Event("c", 20_000));
        Assert.Equal(["watermark 8999"], Describe(output.EmitPeriodic()));
        Assert.Equal(8_999, output.CurrentWatermark);
    }

    [Fact]
    public void AnIdleSplitStopsHoldingTheWatermarkBackAndRejoinsWithoutMakingItGoBack()
    {
        var output = Output(ByAt(TimeSpan.Zero).WithIdleness(TimeSpan.FromSeconds(30)));
        var busy = output.CreateOutputForSplit("partition-0");
        var quiet = output.CreateOutputForSplit("partition-1");
        busy.Collect(new Event("a", 5_000));
        quiet.Collect(new Event("b", 1_000));
        Assert.Equal(["watermark 999"], Describe(output.EmitPeriodic()));

        // The quiet split gets nothing for longer than the idle timeout; the busy one keeps going.
        for (var second = 1; second <= 32; second++)
        {
            busy.Collect(new Event("a", 5_000 + (second * 1_000)));
            _clock.Advance(TimeSpan.FromSeconds(1));
            output.EmitPeriodic();
        }
        Assert.Equal(36_999, output.CurrentWatermark);

        // A late record of the rejoining split does not take the source's watermark back.
        quiet.Collect(new Event("late", 2_000));
        busy.Collect(new Event("a", 40_000));
        Assert.Empty(output.EmitPeriodic());
        Assert.Equal(36_999, output.CurrentWatermark);
        quiet.Collect(new Event("b", 50_000));
        Assert.Equal(["watermark 39999"], Describe(output.EmitPeriodic()));
    }

    [Fact]
    public void WhenEverySplitIsIdleTheSourceIsIdleAndItsNextRecordMakesItActiveAgain()
    {
        var output = Output(ByAt(TimeSpan.Zero).WithIdleness(TimeSpan.FromSeconds(5)));
        output.CreateOutputForSplit("partition-0").Collect(new Event("a", 1_000));
        output.CreateOutputForSplit("partition-1").Collect(new Event("b", 2_000));
        Assert.Equal(["watermark 999"], Describe(output.EmitPeriodic()));

        var events = new List<ControlEvent>();
        for (var i = 0; i < 4; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(3));
            events.AddRange(output.EmitPeriodic());
        }
        Assert.Equal(["watermark-status IDLE"], Describe(events));

        // The record makes its split active at once, with the watermark it had reached before it went idle.
        output.CreateOutputForSplit("partition-1").Collect(new Event("c", 3_000));
        Assert.Equal(["watermark-status ACTIVE", "watermark 1999"], Describe(output.TakeEvents()));
        Assert.Equal(["watermark 2999"], Describe(output.EmitPeriodic()));
    }

    [Fact]
    public void AReleasedSplitNoLongerHoldsTheWatermarkBack()
    {
        var output = Output(ByAt(TimeSpan.Zero));
        output.CreateOutputForSplit("partition-0").Collect(new Event("a", 1_000));
        output.CreateOutputForSplit("partition-1").Collect(new Event("b", 9_000));
        Assert.Equal(["watermark 999"], Describe(output.EmitPeriodic()));

        output.ReleaseOutputForSplit("partition-0");

        Assert.Equal(["watermark 8999"], Describe(output.EmitPeriodic()));
    }

    [Fact]
    public void ASplitsOutputIsTheSameForTheSameIdSoAReaderMayAskForItAtEveryPoll()
    {
        var output = Output(ByAt(TimeSpan.Zero));

        Assert.Same(output.CreateOutputForSplit("partition-3"), output.CreateOutputForSplit("partition-3"));
        Assert.Throws<ArgumentException>(() => output.CreateOutputForSplit(""));
    }

    [Fact]
    public void APunctuatedWatermarkIsTakenAfterThePollThatCausedIt()
    {
        var strategy = WatermarkStrategy<Event>.ForGenerator(() => new WatermarkOnEnd()).WithTimestampAssigner((e, _) => e.At);
        var output = Output(strategy);
        var split = output.CreateOutputForSplit("partition-0");

        split.Collect(new Event("a", 1_000));
        Assert.Empty(output.TakeEvents());
        split.Collect(new Event("end", 7_000));

        Assert.Equal(["watermark 7000"], Describe(output.TakeEvents()));
        Assert.Equal(2, _chain.Items.Count);
    }

    [Fact]
    public void AThrowingAssignerFailsThePollWithTheSourcesName()
    {
        var output = Output(WatermarkStrategy<Event>.ForMonotonousTimestamps().WithTimestampAssigner((e, _) => e.At > 0 ? e.At : throw new ArgumentException("no time")));

        var error = Assert.Throws<GrainFlow.Errors.NonRecoverableJobException>(() => output.CreateOutputForSplit("p").Collect(new Event("bad", -1)));

        Assert.Contains("'Events'", error.Message);
        Assert.Empty(_chain.Items);
    }

    private sealed class WatermarkOnEnd : IWatermarkGenerator<Event>
    {
        public void OnEvent(Event element, long eventTimestamp, IWatermarkOutput output)
        {
            if (element.Name == "end") output.EmitWatermark(eventTimestamp);
        }

        public void OnPeriodicEmit(IWatermarkOutput output) { }
    }
}

/// <summary>A chain head that records each record with the chain's timestamp at the moment it arrived.</summary>
internal sealed class TimestampedRecords<T>(RecordTimestamp timestamp) : ICollector<T>
{
    public List<(T Record, long Timestamp)> Items { get; } = new();

    public void Collect(T record) => Items.Add((record, timestamp.Current));
}
