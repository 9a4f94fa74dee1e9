using GrainFlow.KeyGroups;

namespace GrainFlow.Runtime.State;

/// <summary>Where a backend files the state of a key: the index of its key group within the subtask's range.</summary>
internal static class KeyGroupRouting
{
    /// <summary>The index of <paramref name="key"/>'s key group within <paramref name="range"/>; fails if it is another subtask's (a routing bug, never silent).</summary>
    public static int GroupIndexOf<TKey>(TKey key, KeyGroupRange range, int maxParallelism) where TKey : notnull
    {
        var keyGroup = KeyGroupAssignment.KeyGroupFor(key, maxParallelism);
        if (!range.Contains(keyGroup))
        {
            throw new InvalidOperationException(
                $"Key '{key}' belongs to key group {keyGroup}, which is not in this subtask's range {range}: records were routed to the wrong subtask.");
        }
        return keyGroup - range.StartKeyGroup;
    }
}
