namespace GrainFlow.Runtime.Tests.Streams;

public sealed class StreamProducerTestGrain<T> : Grain, IStreamProducerTestGrain<T>
{
    public async Task PublishAsync(string streamNamespace, string key, T[] events)
    {
        var stream = this.GetStreamProvider(StreamsTestCluster.Provider).GetStream<T>(StreamId.Create(streamNamespace, key));
        foreach (var item in events)
        {
            await stream.OnNextAsync(item);
        }
    }
}
