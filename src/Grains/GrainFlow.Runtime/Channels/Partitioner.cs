using GrainFlow.KeyGroups;

namespace GrainFlow.Runtime.Channels;

/// <summary>How the records of an edge are spread over the consumer's subtasks.</summary>
internal enum PartitionKind
{
    /// <summary>Subtask i sends to subtask i (equal parallelism); such edges are chained, not shipped.</summary>
    Forward,

    /// <summary>By key group: <c>murmur(stableHash(key)) % maxP</c>, then <c>kg * p / maxP</c>.</summary>
    Hash,

    /// <summary>Round robin over all consumer subtasks.</summary>
    Rebalance,

    /// <summary>Every record to every consumer subtask.</summary>
    Broadcast,
}

/// <summary>Chooses the channel of each record on an edge; typed by the record type.</summary>
internal abstract class Partitioner<T>(PartitionKind kind)
{
    public PartitionKind Kind { get; } = kind;

    /// <summary>The consumer subtask for <paramref name="record"/> (not used for broadcast).</summary>
    public abstract int SelectChannel(T record, int consumerParallelism, int maxParallelism, ref int roundRobin);

    public override string ToString() => Kind.ToString().ToUpperInvariant();
}

internal sealed class ForwardPartitioner<T>(int senderSubtask) : Partitioner<T>(PartitionKind.Forward)
{
    public override int SelectChannel(T record, int consumerParallelism, int maxParallelism, ref int roundRobin) => senderSubtask;
}

internal sealed class RebalancePartitioner<T>() : Partitioner<T>(PartitionKind.Rebalance)
{
    public override int SelectChannel(T record, int consumerParallelism, int maxParallelism, ref int roundRobin)
    {
        roundRobin = roundRobin + 1 >= consumerParallelism ? 0 : roundRobin + 1;
        return roundRobin;
    }
}

internal sealed class BroadcastPartitioner<T>() : Partitioner<T>(PartitionKind.Broadcast)
{
    public override int SelectChannel(T record, int consumerParallelism, int maxParallelism, ref int roundRobin) => -1;
}

internal sealed class KeyGroupPartitioner<T, TKey>(Func<T, TKey> keySelector) : Partitioner<T>(PartitionKind.Hash)
    where TKey : notnull
{
    public Func<T, TKey> KeySelector { get; } = keySelector;

    public override int SelectChannel(T record, int consumerParallelism, int maxParallelism, ref int roundRobin) =>
        KeyGroupAssignment.SubtaskForKey(KeySelector(record), consumerParallelism, maxParallelism);
}
