using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;
using Microsoft.Extensions.Time.Testing;
using static GrainFlow.Runtime.Tests.EventTime.EventTimeTestKit;

namespace GrainFlow.Runtime.Tests.EventTime;

/// <summary>
/// <c>AssignTimestampsAndWatermarks</c> mid-stream: it re-stamps records in the chain's timestamp slot,
/// makes watermarks periodically, and swallows upstream watermarks except the end of time.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TimestampsAndWatermarksOperatorTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly RecordTimestamp _timestamp = new();
    private readonly TimestampedRecords<Click> _downstream;

    public TimestampsAndWatermarksOperatorTests() => _downstream = new TimestampedRecords<Click>(_timestamp);

    public sealed record Click(string Page, long At);

    private TimestampsAndWatermarksOperator<Click> Open(WatermarkStrategy<Click> strategy)
    {
        var op = new TimestampsAndWatermarksOperator<Click>("stamp", "Stamp clicks", strategy, _downstream);
        EventTimeTestKit.Open(op, _clock, _timestamp);
        return op;
    }

    [Fact]
    public void RecordsLeaveWithTheAssignedTimestampAndThePeriodicEmissionReturnsTheWatermark()
    {
        var op = Open(WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(2)).WithTimestampAssigner((c, _) => c.At));

        _timestamp.Current = 1; // the timestamp the record came with
        op.Collect(new Click("home", 10_000));
        op.Collect(new Click("cart", 8_000));

        Assert.Equal([10_000L, 8_000L], _downstream.Items.Select(i => i.Timestamp));
        Assert.Empty(op.TakeEvents());
        Assert.Equal(["watermark 7999"], Describe(op.EmitPeriodic()));
        Assert.Empty(op.EmitPeriodic()); // nothing new: nothing to forward
    }

    [Fact]
    public void WithoutAnAssignerTheRecordKeepsTheTimestampItCameWith()
    {
        var op = Open(WatermarkStrategy<Click>.ForMonotonousTimestamps());

        _timestamp.Current = 4_000;
        op.Collect(new Click("home", 0));

        Assert.Equal(4_000, Assert.Single(_downstream.Items).Timestamp);
        Assert.Equal(["watermark 3999"], Describe(op.EmitPeriodic()));
    }

    [Fact]
    public void UpstreamWatermarksAreSwallowedExceptTheEndOfTime()
    {
        var op = Open(WatermarkStrategy<Click>.ForMonotonousTimestamps().WithTimestampAssigner((c, _) => c.At));
        op.Collect(new Click("home", 1_000));

        op.ProcessWatermark(50_000);
        Assert.Empty(op.TakeEvents());

        op.ProcessWatermark(long.MaxValue);
        Assert.Equal(["watermark MAX"], Describe(op.TakeEvents()));
        Assert.Empty(op.EmitPeriodic()); // nothing after the end of time
    }

    [Fact]
    public void AnIdleInputIsReportedIdleAndActiveAgainWithItsNextRecord()
    {
        var op = Open(WatermarkStrategy<Click>.ForMonotonousTimestamps().WithTimestampAssigner((c, _) => c.At).WithIdleness(TimeSpan.FromSeconds(1)));
        op.Collect(new Click("home", 1_000));
        Assert.Equal(["watermark 999"], Describe(op.EmitPeriodic()));

        var events = new List<ControlEvent>();
        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            events.AddRange(op.EmitPeriodic());
        }
        Assert.Equal(["watermark-status IDLE"], Describe(events));

        op.Collect(new Click("cart", 5_000));
        Assert.Equal(["watermark-status ACTIVE"], Describe(op.TakeEvents()));
        Assert.Equal(["watermark 4999"], Describe(op.EmitPeriodic()));
    }

    [Fact]
    public void AThrowingAssignerFailsWithTheOperatorsName()
    {
        var op = Open(WatermarkStrategy<Click>.ForMonotonousTimestamps().WithTimestampAssigner((c, _) => c.At >= 0 ? c.At : throw new ArgumentOutOfRangeException(nameof(c), "negative time")));

        var error = Assert.Throws<GrainFlow.Errors.NonRecoverableJobException>(() => op.Collect(new Click("bad", -5)));

        Assert.Contains("'Stamp clicks'", error.Message);
        Assert.Empty(_downstream.Items);
    }

    [Fact]
    public void TheStrategiesAreKeptOnTheSourceAndTheAssignerNodeWhichIsChainedToItsInput()
    {
        var env = new StreamExecutionEnvironment(GrainFlowConfiguration.Empty);
        var atSource = WatermarkStrategy<long>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(5)).WithTimestampAssigner(n => n);
        var midStream = WatermarkStrategy<long>.ForMonotonousTimestamps();
        env.FromSource(new GeneratorSource<long>(10, n => n), atSource, "Numbers").Uid("numbers")
            .Map(n => n + 1).Uid("plus-one")
            .AssignTimestampsAndWatermarks(midStream).Uid("stamp")
            .SinkTo(new DiscardingSink<long>()).Uid("sink");

        var graph = JobGraph.Build(env);

        var vertex = Assert.Single(graph.Vertices);
        Assert.Equal(["numbers", "plus-one", "stamp", "sink"], vertex.Chain.Select(n => n.Uid));
        Assert.Same(atSource, Assert.IsType<SourceNode<long>>(vertex.Chain[0]).WatermarkStrategy);
        Assert.Equal("Timestamps/Watermarks", vertex.Chain[2].Name);
        Assert.IsType<TimestampsAndWatermarksOperator<long>>(vertex.Chain[2].Instantiate(DiscardingCollector<long>.Instance));
        Assert.Throws<ArgumentNullException>(() => env.FromSource(new GeneratorSource<long>(1, n => n), null!, "x"));
    }
}
