namespace GrainFlow.Runtime.Tests.Streams;

/// <summary>Subscribes explicitly to a topic stream and remembers what it received, in order.</summary>
[Alias("grainflow.tests.IStreamCollectorGrain`1")]
public interface IStreamCollectorGrain<T> : IGrainWithStringKey
{
    /// <param name="fromOffset">Rewind to this offset (an EventSequenceTokenV2); null to receive from now on.</param>
    [Alias("Subscribe")]
    Task SubscribeAsync(string streamNamespace, string key, long? fromOffset);

    [Alias("GetReceived")]
    Task<IReadOnlyList<ReceivedEvent<T>>> GetReceivedAsync();
}
