namespace MyGrainFlowApp;

/// <summary>A key and how many records carried it so far: what the job emits (Orleans serializes it between operators).</summary>
[GenerateSerializer, Immutable, Alias("MyGrainFlowApp.KeyCount")]
public readonly record struct KeyCount([property: Id(0)] long Key, [property: Id(1)] long Count);
