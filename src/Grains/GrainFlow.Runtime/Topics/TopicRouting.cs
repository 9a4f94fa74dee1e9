using GrainFlow.KeyGroups;

namespace GrainFlow.Runtime.Topics;

/// <summary>Which partition a record goes to: by the stable hash of its key, round robin without one. Publishers and transactional sinks share it, so a key lands in one partition whichever way it was written.</summary>
internal static class TopicRouting
{
    public static int PartitionFor(string? key, int partitions, ref int roundRobin) =>
        key is null ? (roundRobin++ & int.MaxValue) % partitions : (StableKeyHash.Of(key) & int.MaxValue) % partitions;
}
