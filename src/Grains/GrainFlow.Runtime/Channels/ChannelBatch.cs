namespace GrainFlow.Runtime.Channels;

/// <summary>
/// The unit of transfer on a channel (one upstream subtask → one downstream subtask of one edge):
/// records in order, then optionally one control event that follows them. Numbered per channel and
/// tagged with the job attempt, so the receiver can keep order, drop duplicates and ignore batches
/// from an attempt that has been restarted.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.ChannelBatch")]
public sealed class ChannelBatch
{
    [Id(0)] public int EdgeIndex { get; init; }

    [Id(1)] public int SenderSubtask { get; init; }

    [Id(2)] public long Attempt { get; init; }

    [Id(3)] public long Sequence { get; init; }

    /// <summary>A <c>T[]</c> of exactly <see cref="Count"/> records, or null when there are none.</summary>
    [Id(4)] public object? Records { get; init; }

    [Id(5)] public int Count { get; init; }

    [Id(6)] public ControlEvent? Control { get; init; }

    /// <summary>
    /// The event-time timestamp of each record, parallel to <see cref="Records"/>
    /// (<see cref="Operators.RecordTimestamp.None"/> for a record without one); null when no record of
    /// the batch has a timestamp, so jobs without event time carry nothing extra.
    /// </summary>
    [Id(7)] public long[]? Timestamps { get; init; }

    public override string ToString() =>
        $"batch edge={EdgeIndex} sender={SenderSubtask} attempt={Attempt} seq={Sequence} records={Count}{(Control is null ? "" : " " + Control)}";
}
