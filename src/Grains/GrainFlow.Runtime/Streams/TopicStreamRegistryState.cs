namespace GrainFlow.Runtime.Streams;

/// <summary>What <see cref="TopicStreamRegistryGrain"/> stores: the names of the provider's topics.</summary>
[GenerateSerializer, Alias("grainflow.TopicStreamRegistryState")]
internal sealed class TopicStreamRegistryState
{
    [Id(0)] public List<string> Topics { get; set; } = new();
}
