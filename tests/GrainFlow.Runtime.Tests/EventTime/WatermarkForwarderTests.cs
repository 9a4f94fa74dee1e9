using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Operators;
using Microsoft.Extensions.Time.Testing;

namespace GrainFlow.Runtime.Tests.EventTime;

/// <summary>Watermarks go through a chain in order, stop at a timestamp assigner, and reach the network after the records they follow.</summary>
[Trait("Category", "Unit")]
public sealed class WatermarkForwarderTests
{
    private readonly List<string> _log = new();
    private readonly FakeTimeProvider _clock = new();

    /// <summary>Logs records and watermarks in the order they reach it; on a watermark it emits one record, as a firing window would.</summary>
    private sealed class Logging(string name, List<string> log, ICollector<long>? output = null) : OperatorBase<long>(name, name)
    {
        public override void Collect(long record)
        {
            log.Add($"{Name} got {record}");
            output?.Collect(record);
        }

        public override void ProcessWatermark(long watermarkMs)
        {
            log.Add($"{Name} watermark {watermarkMs}");
            output?.Collect(watermarkMs == long.MaxValue ? -1 : watermarkMs);
        }
    }

    private sealed class Network(List<string> log) : INetworkOutput
    {
        public IEnumerable<OutputChannel> Channels => [];

        public void FlushAll(ControlEvent? control) => log.Add($"network {control}");
    }

    private void Open(IEnumerable<IStreamOperator> chain)
    {
        var timestamp = new RecordTimestamp();
        foreach (var op in chain) EventTimeTestKit.Open(op, _clock, timestamp);
    }

    [Fact]
    public void AnInputWatermarkReachesEveryOperatorInChainOrderThenTheNetworkAfterTheRecordsItFired()
    {
        var last = new Logging("sink", _log);
        var first = new Logging("window", _log, last);
        Open([first, last]);
        var forwarder = new WatermarkForwarder([first, last], new Network(_log));

        forwarder.ForwardInput([new Watermark(100), WatermarkStatus.IdleStatus]);

        Assert.Equal(["window watermark 100", "sink got 100", "sink watermark 100", "network watermark 100", "network watermark-status IDLE"], _log);
    }

    [Fact]
    public void AnAssignerSwallowsTheWatermarksBeforeItAndItsOwnGoOnFromIt()
    {
        var sink = new Logging("sink", _log);
        var assigner = new TimestampsAndWatermarksOperator<long>("stamp", "stamp", WatermarkStrategy<long>.ForMonotonousTimestamps().WithTimestampAssigner(n => n), sink);
        var map = new Logging("map", _log, assigner);
        IStreamOperator[] chain = [map, assigner, sink];
        Open(chain);
        var forwarder = new WatermarkForwarder(chain, new Network(_log));

        forwarder.ForwardInput([new Watermark(5), WatermarkStatus.IdleStatus]);
        Assert.Equal(["map watermark 5", "sink got 5"], _log); // the record map emitted went through the assigner; the watermark stopped there
        _log.Clear();

        forwarder.EmitPeriodic();
        Assert.Equal(["sink watermark 4", "network watermark 4"], _log);
        _log.Clear();

        forwarder.ForwardInput([Watermark.EndOfTime]);
        Assert.Equal(["map watermark 9223372036854775807", "sink got -1", "sink watermark 9223372036854775807", "network watermark MAX"], _log);
    }

    [Fact]
    public void WhatAnAssignerEmittedOnRecordsIsForwardedAfterThem()
    {
        var sink = new Logging("sink", _log);
        var assigner = new TimestampsAndWatermarksOperator<long>("stamp", "stamp", WatermarkStrategy<long>.ForGenerator(() => new EveryRecord()).WithTimestampAssigner(n => n), sink);
        Open([assigner, sink]);
        var forwarder = new WatermarkForwarder([assigner, sink], network: null);

        assigner.Collect(7);
        forwarder.ForwardEmitted();

        Assert.Equal(["sink got 7", "sink watermark 7"], _log);
    }

    [Fact]
    public void TheEndOfTimeStartsAfterTheWatermarkMakerAtTheHeadOrAtTheHeadOfAChainWithoutOne()
    {
        var sink = new Logging("sink", _log);
        var head = new TimestampsAndWatermarksOperator<long>("stamp", "stamp", WatermarkStrategy<long>.ForMonotonousTimestamps(), sink);
        Open([head, sink]);
        new WatermarkForwarder([head, sink], new Network(_log)).ForwardEndOfTime();
        Assert.Equal(["sink watermark 9223372036854775807", "network watermark MAX"], _log);
        _log.Clear();

        var last = new Logging("sink", _log);
        var first = new Logging("map", _log, last);
        Open([first, last]);
        new WatermarkForwarder([first, last], network: null).ForwardEndOfTime();
        Assert.Equal(["map watermark 9223372036854775807", "sink got -1", "sink watermark 9223372036854775807"], _log);
    }

    private sealed class EveryRecord : IWatermarkGenerator<long>
    {
        public void OnEvent(long element, long eventTimestamp, IWatermarkOutput output) => output.EmitWatermark(eventTimestamp);

        public void OnPeriodicEmit(IWatermarkOutput output) { }
    }
}
