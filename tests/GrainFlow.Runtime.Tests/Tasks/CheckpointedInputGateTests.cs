using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Tasks;

namespace GrainFlow.Runtime.Tests.Tasks;

/// <summary>What the input side of a subtask hands to it, step by step, for batches offered on its channels.</summary>
[Trait("Category", "Unit")]
public sealed class CheckpointedInputGateTests
{
    private static readonly CheckpointBarrier Barrier1 = new(1, 0, IsSavepoint: false);
    private static readonly CheckpointBarrier Barrier2 = new(2, 0, IsSavepoint: false);

    /// <summary>A gate over one edge with <paramref name="senders"/> channels.</summary>
    private static CheckpointedInputGate Gate(int senders, CheckpointingMode mode = CheckpointingMode.ExactlyOnce, TimeSpan? holdTime = null) =>
        new(new InputGate(attempt: 1, [(0, senders)]), new BarrierAligner(mode, TimeProvider.System), new StatusWatermarkValve([(0, senders)]),
            holdTime ?? TimeSpan.FromMinutes(5), TimeProvider.System);

    private static ChannelBatch Batch(int sender, long sequence, ControlEvent? control = null, params long[] records) => new()
    {
        EdgeIndex = 0, SenderSubtask = sender, Sequence = sequence, Attempt = 1,
        Records = records.Length == 0 ? null : records, Count = records.Length, Control = control,
    };

    private static async Task<List<InputStep>> OfferAsync(CheckpointedInputGate gate, ChannelBatch batch)
    {
        var steps = new List<InputStep>();
        await foreach (var step in gate.OfferAsync(batch)) steps.Add(step);
        return steps;
    }

    private static long[] RecordsOf(InputStep step) => (long[])Assert.IsType<RecordsStep>(step).Records;

    [Fact]
    public async Task BatchesComeOutAsRecordStepsInSequenceOrderAndAreCounted()
    {
        var gate = Gate(senders: 1);

        Assert.Empty(await OfferAsync(gate, Batch(0, 1, null, 3, 4)));
        var steps = await OfferAsync(gate, Batch(0, 0, null, 1, 2));

        Assert.Equal([[1L, 2L], [3L, 4L]], steps.Select(RecordsOf));
        Assert.Equal(4, gate.RecordsIn);
        Assert.Equal(2, gate.BatchesIn);
    }

    [Fact]
    public async Task ABarrierComesOutOnceEveryChannelDeliveredItAfterTheRecordsBeforeIt()
    {
        var gate = Gate(senders: 2);

        var first = await OfferAsync(gate, Batch(0, 0, Barrier1, 1));
        var second = await OfferAsync(gate, Batch(1, 0, Barrier1, 2));

        Assert.Equal([1L], RecordsOf(Assert.Single(first)));
        Assert.Equal(2, second.Count);
        Assert.Equal([2L], RecordsOf(second[0]));
        Assert.Equal(1, Assert.IsType<BarrierAlignedStep>(second[1]).Barrier.CheckpointId);
    }

    [Fact]
    public async Task ExactlyOnceSendsABatchOfAChannelThatDeliveredTheBarrierBackAfterTheHoldTime()
    {
        var gate = Gate(senders: 2, holdTime: TimeSpan.FromMilliseconds(20));
        await OfferAsync(gate, Batch(0, 0, Barrier1));

        Assert.False(await gate.WaitForAlignmentAsync(Batch(0, 1, null, 7)));
        Assert.True(await gate.WaitForAlignmentAsync(Batch(1, 0, null, 8)));
    }

    [Fact]
    public async Task ExactlyOnceReleasesAHeldChannelWhenTheLastBarrierArrives()
    {
        var gate = Gate(senders: 2);
        await OfferAsync(gate, Batch(0, 0, Barrier1));
        var held = gate.WaitForAlignmentAsync(Batch(0, 1, null, 7));
        Assert.False(held.IsCompleted);

        Assert.IsType<BarrierAlignedStep>(Assert.Single(await OfferAsync(gate, Batch(1, 0, Barrier1))));

        Assert.True(await held);
        var released = await OfferAsync(gate, Batch(0, 1, null, 7));
        Assert.Equal([7L], RecordsOf(Assert.Single(released)));
    }

    [Fact]
    public async Task AtLeastOnceHoldsNothingBackAndStillSnapshotsAtTheLastBarrier()
    {
        var gate = Gate(senders: 2, CheckpointingMode.AtLeastOnce);
        await OfferAsync(gate, Batch(0, 0, Barrier1));

        Assert.True(await gate.WaitForAlignmentAsync(Batch(0, 1, null, 7)));
        Assert.Single(await OfferAsync(gate, Batch(0, 1, null, 7)));
        Assert.IsType<BarrierAlignedStep>(Assert.Single(await OfferAsync(gate, Batch(1, 0, Barrier1))));
    }

    [Fact]
    public async Task AChannelEndingDuringAnAlignmentCompletesItAndTheLastEndEndsTheInput()
    {
        var gate = Gate(senders: 3);
        await OfferAsync(gate, Batch(0, 0, Barrier1));
        await OfferAsync(gate, Batch(1, 0, Barrier1));

        // The only channel the alignment still waited for ends instead: the snapshot is taken now.
        var ended = await OfferAsync(gate, Batch(2, 0, EndOfInput.Instance, 5));
        Assert.Equal([5L], RecordsOf(ended[0]));
        Assert.Equal(1, Assert.IsType<BarrierAlignedStep>(ended[1]).Barrier.CheckpointId);
        Assert.Equal(2, ended.Count);

        Assert.Empty(await OfferAsync(gate, Batch(0, 1, EndOfInput.Instance)));
        // The last end: event time goes to its end, then the input ends.
        var last = await OfferAsync(gate, Batch(1, 1, EndOfInput.Instance));
        Assert.Equal([new ControlEventStep(Watermark.EndOfTime), AllInputEndedStep.Instance], last);
    }

    [Fact]
    public async Task AnEndedChannelNoLongerHasToDeliverLaterBarriers()
    {
        var gate = Gate(senders: 2);
        await OfferAsync(gate, Batch(0, 0, EndOfInput.Instance));

        Assert.Equal(2, Assert.IsType<BarrierAlignedStep>(Assert.Single(await OfferAsync(gate, Batch(1, 0, Barrier2)))).Barrier.CheckpointId);
    }

    [Fact]
    public async Task ANewerBarrierAbandonsTheAlignmentOfAnOlderOneAndAStaleBarrierIsIgnored()
    {
        var gate = Gate(senders: 2);
        await OfferAsync(gate, Batch(0, 0, Barrier1));
        await OfferAsync(gate, Batch(1, 0, Barrier2));

        Assert.Equal(2, Assert.IsType<BarrierAlignedStep>(Assert.Single(await OfferAsync(gate, Batch(0, 1, Barrier2)))).Barrier.CheckpointId);
        Assert.Empty(await OfferAsync(gate, Batch(1, 1, Barrier1)));
    }

    [Fact]
    public async Task TheInputWatermarkComesOutInOrderWithTheRecords()
    {
        var gate = Gate(senders: 1);
        await OfferAsync(gate, Batch(0, 1, null, 3));

        var steps = await OfferAsync(gate, Batch(0, 0, new Watermark(42), 1, 2));

        Assert.Equal(3, steps.Count);
        Assert.Equal([1L, 2L], RecordsOf(steps[0]));
        Assert.Equal(new Watermark(42), Assert.IsType<ControlEventStep>(steps[1]).Event);
        Assert.Equal([3L], RecordsOf(steps[2]));
    }

    [Fact]
    public async Task TheInputWatermarkIsTheMinimumOverTheChannelsSkipsIdleOnesAndIsTheEndOfTimeWhenAllEnded()
    {
        var gate = Gate(senders: 2);

        Assert.Empty(await OfferAsync(gate, Batch(0, 0, new Watermark(100))));
        Assert.Equal(new Watermark(50), Assert.IsType<ControlEventStep>(Assert.Single(await OfferAsync(gate, Batch(1, 0, new Watermark(50))))).Event);
        // Sender 1 goes idle: sender 0 alone holds the watermark.
        Assert.Equal(new Watermark(100), Assert.IsType<ControlEventStep>(Assert.Single(await OfferAsync(gate, Batch(1, 1, WatermarkStatus.IdleStatus)))).Event);
        Assert.Empty(await OfferAsync(gate, Batch(0, 1, new Watermark(90))));

        // Sender 1 is active again and catches up (the output never goes back); then sender 0 ends.
        Assert.DoesNotContain(await OfferAsync(gate, Batch(1, 2, WatermarkStatus.ActiveStatus)), s => s is ControlEventStep { Event: Watermark });
        Assert.Empty(await OfferAsync(gate, Batch(1, 3, new Watermark(120)))); // sender 0 still holds it at 100
        var firstEnded = await OfferAsync(gate, Batch(0, 2, EndOfInput.Instance));
        Assert.Equal([new ControlEventStep(new Watermark(120))], firstEnded);
        var last = await OfferAsync(gate, Batch(1, 4, EndOfInput.Instance));
        Assert.Contains(last, s => s is ControlEventStep { Event: Watermark { TimestampMs: long.MaxValue } });
        Assert.IsType<AllInputEndedStep>(last[^1]);
    }

    [Fact]
    public async Task ACallerThatStopsAfterTheRecordsLeavesTheBarrierUnrecorded()
    {
        var gate = Gate(senders: 2, holdTime: TimeSpan.FromMilliseconds(20));

        await foreach (var step in gate.OfferAsync(Batch(0, 0, Barrier1, 1)))
        {
            Assert.IsType<RecordsStep>(step);
            break;
        }

        // Had the gate recorded the barrier, the channel would be held back now.
        Assert.True(await gate.WaitForAlignmentAsync(Batch(0, 1, null, 2)));
    }

    [Fact]
    public async Task AbandoningTheGateLetsAHeldChannelsCallReturn()
    {
        var gate = Gate(senders: 2);
        await OfferAsync(gate, Batch(0, 0, Barrier1));
        var held = gate.WaitForAlignmentAsync(Batch(0, 1, null, 7));
        Assert.False(held.IsCompleted);

        gate.Abandon();

        Assert.True(await held);
    }
}
