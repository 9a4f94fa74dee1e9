using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace GrainFlow.Runtime.Tests.Streams;

public sealed class StreamCollectorGrain<T> : Grain, IStreamCollectorGrain<T>
{
    private readonly List<ReceivedEvent<T>> _received = new();

    public async Task SubscribeAsync(string streamNamespace, string key, long? fromOffset)
    {
        var stream = this.GetStreamProvider(StreamsTestCluster.Provider).GetStream<T>(StreamId.Create(streamNamespace, key));
        Func<T, StreamSequenceToken?, Task> onNext = (item, token) =>
        {
            _received.Add(new ReceivedEvent<T>(item, token!.SequenceNumber));
            return Task.CompletedTask;
        };
        if (fromOffset is { } offset)
        {
            await stream.SubscribeAsync(onNext, new EventSequenceTokenV2(offset));
        }
        else
        {
            await stream.SubscribeAsync(onNext);
        }
    }

    public Task<IReadOnlyList<ReceivedEvent<T>>> GetReceivedAsync() => Task.FromResult<IReadOnlyList<ReceivedEvent<T>>>(_received.ToList());
}
