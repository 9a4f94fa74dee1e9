using Orleans.Concurrency;

namespace GrainFlow.Topics;

/// <summary>
/// A named, partitioned, append-only event log in storage (key: the topic name). Publishing routes
/// each record to a partition by its key (round robin without one); each partition is its own grain.
/// </summary>
[Alias("grainflow.ITopicGrain")]
public interface ITopicGrain : IGrainWithStringKey
{
    /// <summary>Creates the topic, or returns the existing settings if it exists with the same partition count.</summary>
    [Alias("Create")]
    Task<TopicSettings> CreateAsync(TopicSettings settings);

    /// <summary>Appends durably; returns (partition, offset) of each record in input order. Creates the topic with defaults if missing.</summary>
    [Alias("Publish")]
    Task<IReadOnlyList<(int Partition, long Offset)>> PublishAsync(Immutable<TopicRecord[]> records);

    /// <summary>Returns the topic's settings, creating it with the cluster's defaults if it does not exist.</summary>
    [Alias("EnsureExists")]
    Task<TopicSettings> EnsureExistsAsync();

    /// <exception cref="Errors.TopicException">The topic does not exist.</exception>
    [AlwaysInterleave, Alias("GetInfo")]
    Task<TopicInfo> GetInfoAsync();

    [AlwaysInterleave, Alias("Exists")]
    Task<bool> ExistsAsync();
}

/// <summary>One partition of a topic (key: "&lt;topic&gt;/&lt;partition&gt;").</summary>
[Alias("grainflow.ITopicPartitionGrain")]
public interface ITopicPartitionGrain : IGrainWithStringKey
{
    /// <summary>Appends the records in order; returns the offset of the first.</summary>
    [Alias("Append")]
    Task<long> AppendAsync(Immutable<TopicRecord[]> records);

    /// <summary>Reads up to <paramref name="maxRecords"/> records from <paramref name="fromOffset"/>.</summary>
    /// <exception cref="Errors.TopicException">The offset is below the earliest retained one.</exception>
    [Alias("Read")]
    Task<TopicReadResult> ReadAsync(long fromOffset, int maxRecords);

    [Alias("GetInfo")]
    Task<PartitionInfo> GetInfoAsync();

    /// <summary>
    /// Makes a transaction a sink staged for this partition visible, as a segment of its own after
    /// the current end. Idempotent: true if it is committed now or was before; false if nothing
    /// was staged under that id and it was never committed.
    /// </summary>
    [Alias("CommitStaged")]
    Task<bool> CommitStagedAsync(string transactionId);

    /// <summary>Applies retention now (it also runs after appends); returns how many segments were deleted.</summary>
    [Alias("ApplyRetention")]
    Task<int> ApplyRetentionAsync();

    public static string KeyOf(string topic, int partition) => $"{topic}/{partition}";
}
