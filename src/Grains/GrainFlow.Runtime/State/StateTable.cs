using System.Runtime.InteropServices;

namespace GrainFlow.Runtime.State;

/// <summary>Untyped view of a state table, for snapshots, inspection and tests.</summary>
internal interface IStateTable
{
    string Name { get; }

    long Count { get; }

    IEnumerable<(int KeyGroup, object Key, object? Value)> UntypedEntries { get; }
}

/// <summary>
/// One named keyed state of one operator subtask: a dictionary per key group, so that the state of a
/// key group can be captured, shipped and reassigned to another subtask as a unit when parallelism
/// changes.
/// </summary>
internal sealed class StateTable<TKey, TValue>(string name, int firstKeyGroup, int keyGroupCount) : IStateTable
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue>?[] _groups = new Dictionary<TKey, TValue>?[keyGroupCount];

    public string Name { get; } = name;

    public long Count => _groups.Sum(g => (long)(g?.Count ?? 0));

    public bool TryGet(int groupIndex, TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value)
    {
        var group = _groups[groupIndex];
        if (group is not null) return group.TryGetValue(key, out value!);
        value = default!;
        return false;
    }

    public void Set(int groupIndex, TKey key, TValue value) => GroupForWrite(groupIndex)[key] = value;

    /// <summary>A reference to the slot of <paramref name="key"/>, added with a default value when missing: one hash lookup for read-modify-write.</summary>
    public ref TValue? GetValueRefOrAddDefault(int groupIndex, TKey key, out bool exists) =>
        ref CollectionsMarshal.GetValueRefOrAddDefault(GroupForWrite(groupIndex), key, out exists);

    public bool Remove(int groupIndex, TKey key) => _groups[groupIndex]?.Remove(key) ?? false;

    public IEnumerable<(int KeyGroup, TKey Key, TValue Value)> Entries
    {
        get
        {
            for (var i = 0; i < _groups.Length; i++)
            {
                if (_groups[i] is not { } group) continue;
                foreach (var (key, value) in group) yield return (firstKeyGroup + i, key, value);
            }
        }
    }

    public IEnumerable<(int KeyGroup, object Key, object? Value)> UntypedEntries =>
        Entries.Select(e => (e.KeyGroup, (object)e.Key, (object?)e.Value));

    private Dictionary<TKey, TValue> GroupForWrite(int groupIndex) => _groups[groupIndex] ??= new Dictionary<TKey, TValue>();
}
