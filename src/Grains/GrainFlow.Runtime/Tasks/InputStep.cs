using GrainFlow.Runtime.Channels;

namespace GrainFlow.Runtime.Tasks;

/// <summary>One thing a subtask does with its input, in the order the channels delivered it (see <see cref="CheckpointedInputGate"/>).</summary>
internal abstract record InputStep;

/// <summary>Process these records (a <c>T[]</c> of <paramref name="Count"/> records).</summary>
internal sealed record RecordsStep(object Records, int Count) : InputStep;

/// <summary>Every live channel delivered <paramref name="Barrier"/>: take the snapshot now, then forward the barrier.</summary>
internal sealed record BarrierAlignedStep(CheckpointBarrier Barrier, TimeSpan Alignment) : InputStep;

/// <summary>A control event the gate does not consume itself (watermarks, watermark status), in order with the records.</summary>
internal sealed record ControlEventStep(ControlEvent Event) : InputStep;

/// <summary>Every input channel has ended: end the input of the chain.</summary>
internal sealed record AllInputEndedStep : InputStep
{
    public static readonly AllInputEndedStep Instance = new();
}
