using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Tests.Fixtures;
using Orleans.Concurrency;

namespace GrainFlow.Runtime.Tests.Channels;

[Trait("Category", "Unit")]
public sealed class OutputChannelTests
{
    /// <summary>A receiver with random latency that records how many calls overlap and in which order batches come.</summary>
    private sealed class JitteryReceiver(int seed) : IBatchReceiver
    {
        private readonly Random _random = new(seed);
        private int _inFlight;

        public int MaxInFlight { get; private set; }

        public List<long> Received { get; } = new();

        public TaskCompletionSource? Gate { get; set; }

        public async Task<BatchDelivery> ReceiveAsync(Immutable<ChannelBatch> batch)
        {
            var now = Interlocked.Increment(ref _inFlight);
            lock (Received) MaxInFlight = Math.Max(MaxInFlight, now);
            if (Gate is { } gate) await gate.Task;
            int delay;
            lock (_random) delay = _random.Next(0, 3);
            await Task.Delay(delay);
            lock (Received) Received.Add(batch.Value.Sequence);
            Interlocked.Decrement(ref _inFlight);
            return BatchDelivery.Accepted;
        }
    }

    [Theory]
    [InlineData(7)]
    [InlineData(99)]
    public async Task AChannelKeepsOneBatchInFlightSoBatchesArriveInOrder(int seed)
    {
        var receiver = new JitteryReceiver(seed);
        var channel = new OutputChannel(receiver, "test", 0, 0, 1, capacity: 4, _ => { });
        for (var i = 0; i < 60; i++)
        {
            await channel.WaitForCapacityAsync();
            channel.Send(new[] { (long)i }, 1, null);
        }
        await channel.WaitUntilDrainedAsync();
        Assert.Equal(1, receiver.MaxInFlight);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), receiver.Received);
    }

    [Fact]
    public async Task AFullChannelMakesTheProducerWaitUntilTheReceiverTakesABatch()
    {
        var receiver = new JitteryReceiver(1) { Gate = new TaskCompletionSource() };
        var channel = new OutputChannel(receiver, "test", 0, 0, 1, capacity: 2, _ => { });
        channel.Send(new[] { 1L }, 1, null);
        channel.Send(new[] { 2L }, 1, null);
        Assert.False(channel.HasCapacity);
        var waiting = channel.WaitForCapacityAsync();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        receiver.Gate.SetResult();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        await channel.WaitUntilDrainedAsync();
        Assert.Equal(2, channel.HighWaterMark);
    }

    [Fact]
    public async Task AReceiverThatKeepsFailingFailsTheChannelAndReportsIt()
    {
        Exception? reported = null;
        var channel = new OutputChannel(new ThrowingReceiver(), "subtask x", 0, 0, 1, capacity: 2, e => reported = e);
        channel.Send(new[] { 1L }, 1, null);
        await channel.WaitUntilDrainedAsync();
        Assert.NotNull(channel.Failure);
        Assert.NotNull(reported);
        Assert.Contains("subtask x", reported!.Message);
    }

    private sealed class ThrowingReceiver : IBatchReceiver
    {
        public Task<BatchDelivery> ReceiveAsync(Immutable<ChannelBatch> batch) => throw new InvalidOperationException("receiver is broken");
    }

    /// <summary>Holds every batch back until released, then takes them; counts the offers.</summary>
    private sealed class AligningReceiver : IBatchReceiver
    {
        public volatile bool Aligning = true;

        public int Offers;

        public List<long> Taken { get; } = new();

        public async Task<BatchDelivery> ReceiveAsync(Immutable<ChannelBatch> batch)
        {
            Interlocked.Increment(ref Offers);
            await Task.Delay(1);
            if (Aligning) return BatchDelivery.HeldBackByAlignment;
            lock (Taken) Taken.Add(batch.Value.Sequence);
            return BatchDelivery.Accepted;
        }
    }

    [Fact]
    public async Task ABatchHeldBackByTheReceiversAlignmentIsOfferedAgainUntilTakenWithoutCountingAsAFailure()
    {
        var receiver = new AligningReceiver();
        Exception? reported = null;
        var channel = new OutputChannel(receiver, "test", 0, 0, 1, capacity: 1, e => reported = e);
        channel.Send(new[] { 1L }, 1, null);
        channel.Send(new[] { 2L }, 1, null);
        await RecoveryProbe.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref receiver.Offers) > 10), "the batch was offered again and again");
        Assert.False(channel.HasCapacity); // still backpressured: nothing was taken
        Assert.Empty(receiver.Taken);

        receiver.Aligning = false;
        await channel.WaitUntilDrainedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([0L, 1L], receiver.Taken);
        Assert.Null(channel.Failure);
        Assert.Null(reported);
    }

    [Fact]
    public async Task AStoppedChannelStopsSendingAndReleasesItsProducerWithoutReportingAFailure()
    {
        var receiver = new AligningReceiver();
        Exception? reported = null;
        using var stopping = new CancellationTokenSource();
        var channel = new OutputChannel(receiver, "test", 0, 0, 1, capacity: 1, e => reported = e, stopping.Token);
        channel.Send(new[] { 1L }, 1, null);
        channel.Send(new[] { 2L }, 1, null);
        var producer = channel.WaitForCapacityAsync();
        Assert.False(producer.IsCompleted);

        await stopping.CancelAsync();
        await producer.WaitAsync(TimeSpan.FromSeconds(10));
        await channel.WaitUntilDrainedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var offers = Volatile.Read(ref receiver.Offers);
        await Task.Delay(100);
        Assert.Equal(offers, Volatile.Read(ref receiver.Offers));
        Assert.Empty(receiver.Taken);
        Assert.Null(reported);
    }
}
