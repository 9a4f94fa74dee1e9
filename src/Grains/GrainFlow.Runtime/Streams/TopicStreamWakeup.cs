using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace GrainFlow.Runtime.Streams;

/// <summary>
/// A marker the receiver hands to the pulling agent after it has read older records of a stream from
/// the topic for a rewinding subscriber. The agent only restarts a stream's idle cursors when the queue
/// yields something for that stream; this is that something. It carries no events and never enters the
/// cache, so no consumer ever receives it.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.TopicStreamWakeup")]
internal sealed class TopicStreamWakeup : IBatchContainer
{
    [Id(0)] public StreamId StreamId { get; init; }

    [Id(1)] public long Offset { get; init; }

    public StreamSequenceToken SequenceToken => new EventSequenceTokenV2(Offset);

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() => [];

    public bool ImportRequestContext() => false;
}
