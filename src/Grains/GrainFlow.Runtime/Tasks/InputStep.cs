using GrainFlow.Runtime.Channels;

namespace GrainFlow.Runtime.Tasks;

/// <summary>One thing a subtask does with its input, in the order the channels delivered it (see <see cref="CheckpointedInputGate"/>).</summary>
internal abstract record InputStep;

/// <summary>Process the records of <paramref name="Batch"/> (a <c>T[]</c>, with their timestamps).</summary>
internal sealed record RecordsStep(ChannelBatch Batch) : InputStep
{
    public object Records => Batch.Records!;

    public int Count => Batch.Count;
}

/// <summary>Every live channel delivered <paramref name="Barrier"/>: take the snapshot now, then forward the barrier.</summary>
internal sealed record BarrierAlignedStep(CheckpointBarrier Barrier, TimeSpan Alignment) : InputStep;

/// <summary>
/// The subtask's input watermark advanced or its watermark status changed (what the watermark valve
/// made of the channels' watermarks, statuses and ends), in order with the records: forward it.
/// </summary>
internal sealed record ControlEventStep(ControlEvent Event) : InputStep;

/// <summary>Every input channel has ended: end the input of the chain.</summary>
internal sealed record AllInputEndedStep : InputStep
{
    public static readonly AllInputEndedStep Instance = new();
}
