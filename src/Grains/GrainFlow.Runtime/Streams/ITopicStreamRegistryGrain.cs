namespace GrainFlow.Runtime.Streams;

/// <summary>
/// The topics a topic stream provider has published to (key: the provider name). Orleans queues are fixed
/// while topics appear with their first event, so the queues ask this grain which topics to read.
/// </summary>
[Alias("grainflow.ITopicStreamRegistryGrain")]
internal interface ITopicStreamRegistryGrain : IGrainWithStringKey
{
    /// <summary>Records a topic durably; returns once it is stored.</summary>
    [Alias("Register")]
    Task RegisterAsync(string topic);

    [Alias("GetTopics")]
    Task<IReadOnlyList<string>> GetTopicsAsync();
}
