namespace GrainFlow.Runtime.Tests.Streams;

/// <summary>An event as a subscriber got it: the value and the sequence number of its token (the topic offset).</summary>
[GenerateSerializer, Alias("grainflow.tests.ReceivedEvent`1")]
public sealed record ReceivedEvent<T>([property: Id(0)] T Value, [property: Id(1)] long Offset);
