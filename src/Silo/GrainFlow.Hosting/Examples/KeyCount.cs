namespace GrainFlow.Silo.Examples;

/// <summary>A key and how many records carried it so far.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.examples.KeyCount")]
public readonly record struct KeyCount([property: Id(0)] long Key, [property: Id(1)] long Count);
