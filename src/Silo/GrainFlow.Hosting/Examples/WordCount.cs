namespace GrainFlow.Silo.Examples;

[GenerateSerializer, Immutable, Alias("grainflow.examples.WordCount")]
public readonly record struct WordCount([property: Id(0)] string Word, [property: Id(1)] long Count);
