using GrainFlow.Runtime.Channels;

namespace GrainFlow.Runtime.Tests.Channels;

[Trait("Category", "Unit")]
public sealed class InputGateTests
{
    private static ChannelBatch Batch(int edge, int sender, long sequence, long attempt = 1, ControlEvent? control = null) =>
        new() { EdgeIndex = edge, SenderSubtask = sender, Sequence = sequence, Attempt = attempt, Records = new[] { sequence }, Count = 1, Control = control };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(1234)]
    public void BatchesArrivingInAnyOrderAreReleasedInSequenceOrderPerChannel(int seed)
    {
        var random = new Random(seed);
        var gate = new InputGate(attempt: 1, [(0, 3)]);
        var arrivals = Enumerable.Range(0, 3).SelectMany(sender => Enumerable.Range(0, 40).Select(seq => Batch(0, sender, seq))).ToList();
        // Shuffle within a bounded window, as retries and unordered delivery would.
        for (var i = 0; i < arrivals.Count; i++)
        {
            var j = Math.Min(arrivals.Count - 1, i + random.Next(0, 8));
            (arrivals[i], arrivals[j]) = (arrivals[j], arrivals[i]);
        }
        var released = new Dictionary<int, List<long>> { [0] = new(), [1] = new(), [2] = new() };
        foreach (var batch in arrivals)
        {
            foreach (var ready in gate.Offer(batch)) released[ready.SenderSubtask].Add(ready.Sequence);
        }
        foreach (var (_, sequences) in released) Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), sequences);
    }

    [Fact]
    public void DuplicateBatchesAreDroppedSoARetriedSendIsProcessedOnce()
    {
        var gate = new InputGate(attempt: 1, [(0, 1)]);
        Assert.Single(gate.Offer(Batch(0, 0, 0)));
        Assert.Empty(gate.Offer(Batch(0, 0, 0)));
        Assert.Empty(gate.Offer(Batch(0, 0, 2)));
        Assert.Empty(gate.Offer(Batch(0, 0, 2)));
        Assert.Equal([1L, 2L], gate.Offer(Batch(0, 0, 1)).Select(b => b.Sequence));
    }

    [Fact]
    public void BatchesOfAnotherAttemptAreIgnored()
    {
        var gate = new InputGate(attempt: 2, [(0, 1)]);
        Assert.Empty(gate.Offer(Batch(0, 0, 0, attempt: 1)));
        Assert.Single(gate.Offer(Batch(0, 0, 0, attempt: 2)));
    }

    [Fact]
    public void TheGateEndsOnlyWhenEveryChannelsEndOfInputWasProcessed()
    {
        var gate = new InputGate(attempt: 1, [(0, 2), (1, 1)]);
        Assert.False(gate.MarkEnded(0, 0));
        Assert.False(gate.MarkEnded(1, 0));
        Assert.Equal(1, gate.LiveChannelCount);
        // Released but not yet processed (e.g. held by a barrier alignment): the channel is still live.
        var released = gate.Offer(Batch(0, 1, 0, control: EndOfInput.Instance));
        Assert.Single(released);
        Assert.False(gate.AllEnded);
        Assert.True(gate.MarkEnded(0, 1));
        Assert.True(gate.MarkEnded(0, 1));
    }
}
