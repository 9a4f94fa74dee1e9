namespace GrainFlow.Runtime.Streams;

/// <summary>
/// How a GrainFlow topic stream provider (<c>AddTopicStreams</c>) maps Orleans streams onto topics and
/// reads them back for subscribers. The stream namespace names the topic (after <see cref="TopicPrefix"/>)
/// and the stream key is the record key, so one stream lives in one partition, in publish order.
/// </summary>
public sealed class TopicStreamOptions
{
    /// <summary>
    /// Prepended to the stream namespace to form the topic name (namespace "orders" with prefix "app." is
    /// topic "app.orders"). Clients and silos of one provider must use the same prefix.
    /// </summary>
    public string TopicPrefix { get; set; } = "";

    /// <summary>
    /// How many Orleans queues (pulling agents) the provider has. Queues are fixed while topics come and go,
    /// so queue <c>i</c> reads partition <c>p</c> of every topic with <c>p % QueueCount == i</c>.
    /// </summary>
    public int QueueCount { get; set; } = 8;

    /// <summary>
    /// Records kept in memory per topic partition for subscribers that are up to date. Subscribers that
    /// fall behind it, or rewind past it, read from the topic itself instead of failing with a cache miss.
    /// </summary>
    public int CacheSize { get; set; } = 1024;

    /// <summary>The most records read from one partition in one read (live reads and rewinds alike).</summary>
    public int ReadBatchSize { get; set; } = 256;

    /// <summary>How often the queues look for topics that streams of this provider were first published to.</summary>
    public TimeSpan TopicRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often each queue stores how far its subscribers have been served, per partition.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Namespaces delivered to subscribers even if nothing was ever published to them through this provider,
    /// e.g. the output topic of a GrainFlow job (each keyed record becomes an event of stream (namespace, key)).
    /// </summary>
    public IList<string> Namespaces { get; set; } = new List<string>();

    internal const int MaxQueueCount = 1024;

    internal const int MaxReadBatchSize = 10_000;
}
