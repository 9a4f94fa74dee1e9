using System.Collections.Concurrent;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Runtime.Sources;
using GrainFlow.Topics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Streams;

namespace GrainFlow.Runtime.Streams;

/// <summary>
/// The Orleans queue adapter over GrainFlow topics. Producing is a grain call to the stream's topic, so it
/// works the same from grains and from cluster clients; receivers and caches exist only on silos.
/// </summary>
internal sealed partial class TopicQueueAdapter(
    string providerName,
    TopicStreamOptions options,
    TopicStreamQueueMapper mapper,
    IGrainFactory grains,
    IServiceProvider services,
    TimeProvider time,
    ILoggerFactory loggers) : IQueueAdapter, IQueueAdapterCache
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _registrations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<QueueId, TopicStreamQueue> _queues = new();
    private readonly ILogger _logger = loggers.CreateLogger<TopicQueueAdapter>();

    public string Name => providerName;

    /// <summary>Subscribers may start at any offset the topic retains (as an <c>EventSequenceTokenV2</c>).</summary>
    public bool IsRewindable => true;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <summary>
    /// Appends the events to the stream's topic, keyed by the stream key, and returns once they are stored.
    /// One call is one append to one partition, so a batch keeps its order and lands whole.
    /// </summary>
    /// <exception cref="ArgumentException">A sequence token was given: the topic assigns offsets itself.</exception>
    /// <exception cref="Errors.TopicException">The stream namespace (with the prefix) is not a valid topic name.</exception>
    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException($"Stream provider '{providerName}' stores events in GrainFlow topics, which assign offsets themselves; publish without a sequence token.", nameof(token));
        }
        var topic = TopicStreamNaming.TopicOf(streamId, options.TopicPrefix);
        var key = TopicStreamNaming.KeyOf(streamId);
        var timestamp = time.GetUtcNow().ToUnixTimeMilliseconds();
        var records = events.Select(e => new TopicRecord(key, RecordCodec<T>.Encode(e), timestamp)).ToArray();
        if (records.Length == 0) return;
        // Registered before the first append, so a queue that finds the topic finds all of its events.
        await RegisterAsync(topic);
        await grains.GetGrain<ITopicGrain>(topic).PublishAsync(new Immutable<TopicRecord[]>(records));
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var stores = services.GetService<GrainFlowStores>()
            ?? throw new InvalidOperationException($"Stream provider '{providerName}' reads GrainFlow topics: add the GrainFlow runtime to the silo (siloBuilder.AddGrainFlow(...)).");
        var queue = _queues.GetOrAdd(queueId, NewQueue);
        return new TopicStreamReceiver(
            queue,
            providerName,
            options,
            mapper,
            grains,
            new TopicStreamCheckpoints(stores.Data, providerName),
            time,
            loggers.CreateLogger($"{typeof(TopicStreamReceiver).FullName}.{providerName}.{queue.Index}"));
    }

    /// <summary>Called before <see cref="CreateReceiver"/> each time a silo takes a queue, so each take starts afresh.</summary>
    public IQueueCache CreateQueueCache(QueueId queueId)
    {
        var queue = NewQueue(queueId);
        _queues[queueId] = queue;
        return new TopicStreamCache(queue);
    }

    private TopicStreamQueue NewQueue(QueueId queueId) => new(mapper.IndexOf(queueId), mapper.QueueCount, options.CacheSize);

    private async Task RegisterAsync(string topic)
    {
        var registration = _registrations.GetOrAdd(topic, t => new Lazy<Task>(() => grains.GetGrain<ITopicStreamRegistryGrain>(providerName).RegisterAsync(t)));
        try
        {
            await registration.Value;
        }
        catch (Exception e)
        {
            // Forget the failed attempt so that the next publish registers again.
            _registrations.TryRemove(new KeyValuePair<string, Lazy<Task>>(topic, registration));
            LogRegistrationFailed(providerName, topic, e);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {Provider}: topic {Topic} could not be registered")]
    private partial void LogRegistrationFailed(string provider, string topic, Exception exception);
}
