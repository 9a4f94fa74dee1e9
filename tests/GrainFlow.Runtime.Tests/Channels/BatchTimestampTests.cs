using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Tests.EventTime;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Serialization;

namespace GrainFlow.Runtime.Tests.Channels;

/// <summary>
/// Records' event-time timestamps travel in the batch, parallel to the records: from the sending
/// chain's timestamp slot through the edge writer, the channel and Orleans' serializer into the
/// receiving chain's slot, record by record.
/// </summary>
[Trait("Category", "Unit")]
public sealed class BatchTimestampTests
{
    private static readonly Serializer<ChannelBatch> Serializer =
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<ChannelBatch>>();

    private static ChannelBatch OverTheWire(ChannelBatch batch) => Serializer.Deserialize(Serializer.SerializeToArray(batch))!;

    /// <summary>Takes every batch as it would arrive on the wire: serialized and read back.</summary>
    private sealed class WireReceiver : IBatchReceiver
    {
        public List<ChannelBatch> Batches { get; } = new();

        public Task<BatchDelivery> ReceiveAsync(Immutable<ChannelBatch> batch)
        {
            Batches.Add(OverTheWire(batch.Value));
            return Task.FromResult(BatchDelivery.Accepted);
        }
    }

    private static (EdgeWriter<string> Writer, WireReceiver[] Receivers, OutputChannel[] Channels) Edge(RecordTimestamp timestamp, int channels, int batchSize)
    {
        var receivers = Enumerable.Range(0, channels).Select(_ => new WireReceiver()).ToArray();
        var outputs = receivers.Select((r, i) => new OutputChannel(r, $"receiver {i}", 0, 0, 1, capacity: 16, _ => { })).ToArray();
        return (new EdgeWriter<string>(new RebalancePartitioner<string>(), outputs, batchSize, 128, 0, timestamp), receivers, outputs);
    }

    private static async Task<List<(string Record, long Timestamp)>> ReceiveAsync(IEnumerable<ChannelBatch> batches, OutputChannel[] channels)
    {
        foreach (var channel in channels) await channel.WaitUntilDrainedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var timestamp = new RecordTimestamp { Current = 123 }; // left over from some earlier record: must not stick
        var head = new TimestampedRecords<string>(timestamp);
        var input = new BatchInput<string>(head, timestamp);
        foreach (var batch in batches) input.Process(batch);
        return head.Items;
    }

    [Fact]
    public async Task EachRecordArrivesWithItsOwnTimestampThroughEdgeWriterChannelAndBatchInput()
    {
        var sending = new RecordTimestamp();
        var (writer, receivers, channels) = Edge(sending, channels: 2, batchSize: 3);
        var sent = Enumerable.Range(0, 10).Select(i => ($"event {i}", 1_000L + (i * 7))).ToList();
        foreach (var (record, at) in sent)
        {
            sending.Current = at;
            writer.Collect(record);
        }
        writer.FlushAll();

        var received = new List<(string Record, long Timestamp)>();
        foreach (var receiver in receivers) received.AddRange(await ReceiveAsync(receiver.Batches, channels));

        Assert.Equal(sent.Order(), received.Order());
        Assert.All(receivers.SelectMany(r => r.Batches), b => Assert.Equal(b.Count, b.Timestamps!.Length));
    }

    [Fact]
    public async Task ABatchOfRecordsWithoutTimestampsCarriesNoTimestampArrayAndItsRecordsArriveWithoutOne()
    {
        var (writer, receivers, channels) = Edge(new RecordTimestamp(), channels: 1, batchSize: 4);
        foreach (var word in new[] { "a", "b", "c", "d", "e" }) writer.Collect(word);
        writer.FlushAll();

        var received = await ReceiveAsync(receivers[0].Batches, channels);

        Assert.All(receivers[0].Batches, b => Assert.Null(b.Timestamps));
        Assert.Equal(["a", "b", "c", "d", "e"], received.Select(r => r.Record));
        Assert.All(received, r => Assert.Equal(RecordTimestamp.None, r.Timestamp));
    }

    [Fact]
    public async Task ABatchWhoseFirstRecordsHaveNoTimestampMarksThemAsHavingNone()
    {
        var sending = new RecordTimestamp();
        var (writer, receivers, channels) = Edge(sending, channels: 1, batchSize: 8);
        writer.Collect("untimed 1");
        writer.Collect("untimed 2");
        sending.Current = 5_000;
        writer.Collect("timed");
        sending.Current = RecordTimestamp.None;
        writer.Collect("untimed 3");
        writer.FlushAll();

        var received = await ReceiveAsync(receivers[0].Batches, channels);

        Assert.Equal([("untimed 1", RecordTimestamp.None), ("untimed 2", RecordTimestamp.None), ("timed", 5_000L), ("untimed 3", RecordTimestamp.None)], received);
    }

    [Fact]
    public void AChannelBatchKeepsItsRecordsTimestampsAndWatermarkThroughOrleansSerialization()
    {
        var batch = new ChannelBatch
        {
            EdgeIndex = 2, SenderSubtask = 1, Attempt = 3, Sequence = 9,
            Records = new[] { 10L, 20L }, Count = 2, Timestamps = [100, RecordTimestamp.None],
            Control = new Watermark(99),
        };

        var copy = OverTheWire(batch);

        Assert.Equal([10L, 20L], Assert.IsType<long[]>(copy.Records));
        Assert.Equal([100, RecordTimestamp.None], copy.Timestamps!);
        Assert.Equal(new Watermark(99), copy.Control);
        Assert.Equal(WatermarkStatus.IdleStatus, OverTheWire(new ChannelBatch { Control = WatermarkStatus.IdleStatus }).Control);
        Assert.Null(OverTheWire(new ChannelBatch { Records = new[] { 1L }, Count = 1 }).Timestamps);
    }
}
