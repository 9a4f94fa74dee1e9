using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace GrainFlow.Runtime.Streams;

/// <summary>Creates the adapter, its queue cache factory and queue mapper of one topic stream provider, on silos and clients alike.</summary>
internal sealed class TopicQueueAdapterFactory(TopicQueueAdapter adapter, TopicStreamQueueMapper mapper) : IQueueAdapterFactory
{
    // Delivery failures go through Orleans' error protocol to the subscriber; nothing else to record.
    private static readonly Task<IStreamFailureHandler> FailureHandler = Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler(false));

    public static IQueueAdapterFactory Create(IServiceProvider services, string providerName)
    {
        var options = services.GetRequiredService<IOptionsMonitor<TopicStreamOptions>>().Get(providerName);
        var mapper = new TopicStreamQueueMapper(providerName, options.QueueCount, options.TopicPrefix);
        var adapter = new TopicQueueAdapter(
            providerName,
            options,
            mapper,
            services.GetRequiredService<IGrainFactory>(),
            services,
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<ILoggerFactory>());
        return new TopicQueueAdapterFactory(adapter, mapper);
    }

    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(adapter);

    public IQueueAdapterCache GetQueueAdapterCache() => adapter;

    public IStreamQueueMapper GetStreamQueueMapper() => mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => FailureHandler;
}
