namespace GrainFlow.Runtime.Tests.Streams;

/// <summary>Publishes to a topic stream from inside a grain, one awaited OnNextAsync per event.</summary>
[Alias("grainflow.tests.IStreamProducerTestGrain`1")]
public interface IStreamProducerTestGrain<T> : IGrainWithStringKey
{
    [Alias("Publish")]
    Task PublishAsync(string streamNamespace, string key, T[] events);
}
