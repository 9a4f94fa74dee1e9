using GrainFlow.Runtime.Sources;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace GrainFlow.Runtime.Streams;

/// <summary>
/// One topic record delivered as one stream event. The payload stays in its topic encoding (RecordCodec)
/// until a consumer asks for it as its own type, so the provider never needs to know event types.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.TopicBatchContainer")]
internal sealed class TopicBatchContainer : IBatchContainer
{
    [Id(0)] public StreamId StreamId { get; init; }

    [Id(1)] public string Topic { get; init; } = "";

    [Id(2)] public int Partition { get; init; }

    /// <summary>The record's offset in its partition, which is also the event's sequence number.</summary>
    [Id(3)] public long Offset { get; init; }

    [Id(4)] public byte[] Value { get; init; } = [];

    [Id(5)] public long TimestampMs { get; init; }

    public StreamSequenceToken SequenceToken => new EventSequenceTokenV2(Offset);

    /// <exception cref="FormatException">The record is not an encoding of <typeparamref name="T"/>.</exception>
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        [Tuple.Create(RecordCodec<T>.Decode(Value), SequenceToken)];

    /// <summary>Topics store no request context, so there is none to import.</summary>
    public bool ImportRequestContext() => false;
}
