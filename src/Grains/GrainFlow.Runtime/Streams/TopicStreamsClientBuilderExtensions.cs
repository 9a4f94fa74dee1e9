using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime;

namespace GrainFlow.Runtime.Streams;

public static class TopicStreamsClientBuilderExtensions
{
    /// <summary>
    /// Lets a cluster client publish to (and subscribe to) the streams of a topic stream provider that the
    /// silos register with <c>AddTopicStreams</c>. Publishing only makes grain calls to the topic, so the
    /// client needs no storage of its own; <see cref="TopicStreamOptions.TopicPrefix"/> must match the silos'.
    /// </summary>
    public static IClientBuilder AddTopicStreams(this IClientBuilder builder, string providerName, Action<TopicStreamOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        builder.AddPersistentStreams(providerName, TopicQueueAdapterFactory.Create, null);
        return builder.ConfigureServices(services =>
        {
            services.AddOptions<TopicStreamOptions>(providerName).Configure(options => configure?.Invoke(options));
            services.AddSingleton(sp => TopicStreamOptionsValidator.Create(sp, providerName, siloSide: false));
        });
    }
}
