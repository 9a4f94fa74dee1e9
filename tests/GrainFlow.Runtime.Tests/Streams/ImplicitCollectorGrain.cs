using Orleans.Streams;
using Orleans.Streams.Core;

namespace GrainFlow.Runtime.Tests.Streams;

/// <summary>
/// Implicitly subscribed, so it receives every event the provider's queue reads for its stream, whenever
/// that happens: exactly what shows whether a restarted queue re-reads events it had already delivered.
/// </summary>
[ImplicitStreamSubscription(IImplicitCollectorGrain.Namespace)]
public sealed class ImplicitCollectorGrain : Grain, IImplicitCollectorGrain, IStreamSubscriptionObserver
{
    private readonly List<ReceivedEvent<string>> _received = new();

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        await handleFactory.Create<string>().ResumeAsync((item, token) =>
        {
            _received.Add(new ReceivedEvent<string>(item, token!.SequenceNumber));
            return Task.CompletedTask;
        });
    }

    public Task<IReadOnlyList<ReceivedEvent<string>>> GetReceivedAsync() => Task.FromResult<IReadOnlyList<ReceivedEvent<string>>>(_received.ToList());
}
