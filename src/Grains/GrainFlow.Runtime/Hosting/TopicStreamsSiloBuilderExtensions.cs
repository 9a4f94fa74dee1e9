using GrainFlow.Runtime.Streams;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime;

namespace GrainFlow.Runtime.Hosting;

public static class TopicStreamsSiloBuilderExtensions
{
    /// <summary>
    /// Adds an Orleans persistent stream provider whose streams are GrainFlow topics: <c>OnNextAsync</c> on
    /// stream (namespace, key) appends the event durably to topic <c>TopicPrefix + namespace</c> under record
    /// key <c>key</c> (so one stream is one partition, in order), and subscribers receive the events from the
    /// topic, with the record offset as their <c>EventSequenceTokenV2</c>. The provider is rewindable: a
    /// subscription may start at any offset the topic still retains, even one far older than the in-memory
    /// cache, and after every silo restarted.
    /// </summary>
    /// <remarks>
    /// Needs <see cref="GrainFlowSiloBuilderExtensions.AddGrainFlow"/> on the same silo (topics, the topic
    /// registry and the checkpoints live in its object store) and, like every Orleans stream provider with
    /// explicit subscriptions, a grain storage named "PubSubStore". Clients that publish or subscribe register
    /// the same provider with <see cref="TopicStreamsClientBuilderExtensions.AddTopicStreams"/>.
    /// </remarks>
    public static ISiloBuilder AddTopicStreams(this ISiloBuilder builder, string providerName, Action<TopicStreamOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        builder.AddPersistentStreams(providerName, TopicQueueAdapterFactory.Create, _ => { });
        return builder.ConfigureServices(services =>
        {
            services.AddOptions<TopicStreamOptions>(providerName).Configure(options => configure?.Invoke(options));
            services.AddSingleton(sp => TopicStreamOptionsValidator.Create(sp, providerName, siloSide: true));
        });
    }
}
