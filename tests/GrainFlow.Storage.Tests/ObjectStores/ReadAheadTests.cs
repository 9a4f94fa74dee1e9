namespace GrainFlow.Storage.Tests.ObjectStores;

/// <summary><see cref="ReadAheadParts"/>: parts made on a thread of their own, from creation on, a bounded number ahead of the writer.</summary>
[Trait("Category", "Unit")]
public sealed class ReadAheadTests
{
    /// <summary>Parts numbered from 0 whose disposal is counted; records how far the producer got.</summary>
    private sealed class CountedParts(int count, int failAt = -1)
    {
        private int _disposed;

        public int Made { get; private set; }

        public int Disposed => Volatile.Read(ref _disposed);

        public async IAsyncEnumerable<ObjectPart> Parts()
        {
            for (var i = 0; i < count; i++)
            {
                await Task.Yield();
                if (i == failAt) throw new InvalidOperationException($"part {i} could not be made");
                Made = i + 1;
                yield return new ObjectPart(new[] { (byte)i }, () => Interlocked.Increment(ref _disposed));
            }
        }
    }

    [Fact]
    public async Task PartsArriveInOrderWhileTheProducerRunsAtMostTheGivenNumberAhead()
    {
        var source = new CountedParts(20);
        var received = new List<byte>();
        await foreach (var part in ObjectParts.ReadAhead(source.Parts(), ahead: 2))
        {
            using (part) received.Add(part.Data.Span[0]);
            // A slow consumer: the producer fills the queue and waits.
            await Task.Delay(5);
            // Taken so far, plus two queued, plus the one the producer holds while the queue is full.
            Assert.InRange(source.Made, received.Count, received.Count + 3);
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => (byte)i), received);
        Assert.Equal(20, source.Disposed);
    }

    [Fact]
    public async Task AFailingProducerFailsTheConsumerAfterThePartsMadeBeforeTheFailure()
    {
        var source = new CountedParts(10, failAt: 4);
        var received = new List<byte>();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var part in ObjectParts.ReadAhead(source.Parts(), ahead: 3))
            {
                using (part) received.Add(part.Data.Span[0]);
            }
        });

        Assert.Equal("part 4 could not be made", failure.Message);
        Assert.Equal([0, 1, 2, 3], received);
        Assert.Equal(4, source.Disposed);
    }

    [Fact]
    public async Task AConsumerThatStopsEarlyStopsTheProducerAndEveryPartItDidNotTakeIsDisposed()
    {
        var source = new CountedParts(1000);
        await foreach (var part in ObjectParts.ReadAhead(source.Parts(), ahead: 3))
        {
            part.Dispose();
            await Task.Delay(20); // let the producer fill the queue
            break;
        }

        var made = source.Made;
        Assert.InRange(made, 1, 5);
        Assert.Equal(made, source.Disposed);
        await Task.Delay(50);
        Assert.Equal(made, source.Made);
    }

    [Fact]
    public async Task TheProducerStartsWhenCreatedAndFillsTheQueueBeforeTheFirstPartIsAsked()
    {
        var source = new CountedParts(100);
        await using var readAhead = ObjectParts.ReadAhead(source.Parts(), ahead: 2);
        await WaitUntilAsync(() => source.Made >= 3);

        // Two queued plus the one the producer holds while the queue is full, and no further.
        Assert.Equal(3, source.Made);
        await Task.Delay(50);
        Assert.Equal(3, source.Made);
        Assert.Equal(0, source.Disposed);
    }

    [Fact]
    public async Task DisposingPartsThatWereNeverEnumeratedStopsTheProducerAndDisposesEveryPartItMade()
    {
        var source = new CountedParts(1000);
        var readAhead = ObjectParts.ReadAhead(source.Parts(), ahead: 3);
        await WaitUntilAsync(() => source.Made >= 1);
        await readAhead.DisposeAsync();

        var made = source.Made;
        Assert.InRange(made, 1, 4);
        Assert.Equal(made, source.Disposed);
        await Task.Delay(50);
        Assert.Equal(made, source.Made);
        await readAhead.DisposeAsync(); // a second dispose (as by a using around a finished enumeration) is harmless
    }

    [Fact]
    public async Task EnumeratingTheSamePartsTwiceIsRefusedBecauseEachPartIsHandedOutOnce()
    {
        var source = new CountedParts(3);
        await using var readAhead = ObjectParts.ReadAhead(source.Parts(), ahead: 1);
        await foreach (var part in readAhead) part.Dispose();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var part in readAhead) part.Dispose();
        });
        Assert.Contains("only once", failure.Message);
        Assert.Equal(3, source.Disposed);
    }

    /// <summary>Polls, without a fixed sleep, so that a slow machine only makes the test slower.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(5);
    }
}
