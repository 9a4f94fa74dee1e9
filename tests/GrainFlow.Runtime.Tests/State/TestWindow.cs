namespace GrainFlow.Runtime.Tests.State;

/// <summary>A window as a state namespace in tests: a record type, written by Orleans natively and as JSON canonically.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.tests.TestWindow")]
public sealed record TestWindow([property: Id(0)] long Start, [property: Id(1)] long End);
