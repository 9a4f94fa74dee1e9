namespace GrainFlow.KeyGroups;

/// <summary>
/// Flink's key-group arithmetic (KeyGroupRangeAssignment): key → key group by a murmur hash of the
/// key's stable hash modulo max parallelism; key group → subtask by <c>kg * p / maxP</c>. The number
/// of key groups is fixed for the life of a job's state, so changing parallelism only moves whole
/// ranges of key groups between subtasks.
/// </summary>
public static class KeyGroupAssignment
{
    public const int UpperBoundMaxParallelism = 1 << 15;
    public const int DefaultLowerBoundMaxParallelism = 1 << 7;

    public static int KeyGroupFor<TKey>(TKey key, int maxParallelism) where TKey : notnull =>
        KeyGroupForHash(StableKeyHash.OfKey(key), maxParallelism);

    public static int KeyGroupForHash(int keyHash, int maxParallelism) => MurmurHash(keyHash) % maxParallelism;

    public static int SubtaskForKeyGroup(int keyGroup, int parallelism, int maxParallelism) =>
        keyGroup * parallelism / maxParallelism;

    public static int SubtaskForKey<TKey>(TKey key, int parallelism, int maxParallelism) where TKey : notnull =>
        SubtaskForKeyGroup(KeyGroupFor(key, maxParallelism), parallelism, maxParallelism);

    /// <summary>The key groups subtask <paramref name="subtaskIndex"/> owns: the inverse of <see cref="SubtaskForKeyGroup"/>.</summary>
    public static KeyGroupRange RangeForSubtask(int subtaskIndex, int parallelism, int maxParallelism)
    {
        var start = (subtaskIndex * maxParallelism + parallelism - 1) / parallelism;
        var end = ((subtaskIndex + 1) * maxParallelism - 1) / parallelism;
        return new KeyGroupRange(start, end);
    }

    /// <summary>Flink's default: 1.5 × parallelism rounded up to a power of two, at least 128, at most 32768.</summary>
    public static int DefaultMaxParallelism(int parallelism)
    {
        var wanted = (long)parallelism + parallelism / 2;
        var power = System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(wanted, 1));
        return (int)Math.Min(Math.Max((long)power, DefaultLowerBoundMaxParallelism), UpperBoundMaxParallelism);
    }

    /// <summary>Flink's MathUtils.murmurHash(int): a 32-bit murmur3 finalization, made non-negative.</summary>
    public static int MurmurHash(int code)
    {
        unchecked
        {
            var c = (uint)code;
            c *= 0xcc9e2d51;
            c = uint.RotateLeft(c, 15);
            c *= 0x1b873593;
            c = uint.RotateLeft(c, 13);
            c = c * 5 + 0xe6546b64;
            c ^= 4;
            c ^= c >> 16;
            c *= 0x85ebca6b;
            c ^= c >> 13;
            c *= 0xc2b2ae35;
            c ^= c >> 16;
            var result = (int)c;
            return result >= 0 ? result : result == int.MinValue ? 0 : -result;
        }
    }
}
