namespace GrainFlow.Runtime.Tests.Streams;

/// <summary>A record-type stream event: Orleans serializes it between grains, RecordCodec stores it as JSON.</summary>
[GenerateSerializer, Alias("grainflow.tests.TestOrder")]
public sealed record TestOrder(
    [property: Id(0)] string Id,
    [property: Id(1)] int Quantity,
    [property: Id(2)] decimal Amount,
    [property: Id(3)] DateTimeOffset PlacedAt);
