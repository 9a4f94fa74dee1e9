using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State;

/// <summary>
/// The keyed state of one operator of one old subtask, as read from a snapshot and checked against its
/// checksum: the bytes of each key group this subtask owns (one small array each, never one array for
/// the whole file), waiting to be read into the tables as the operator's function registers them.
/// </summary>
internal sealed class RestoredKeyedState
{
    private readonly IReadOnlyList<(string Name, string Codecs)> _tables;
    private readonly Dictionary<int, ArraySegment<byte>> _keyGroups;
    private readonly StateCodecs _codecs;
    private readonly HashSet<string> _notYetRestored;

    public RestoredKeyedState(IReadOnlyList<(string Name, string Codecs)> tables, Dictionary<int, ArraySegment<byte>> keyGroups, StateCodecs codecs)
    {
        _tables = tables;
        _keyGroups = keyGroups;
        _codecs = codecs;
        _notYetRestored = new HashSet<string>(tables.Select(t => t.Name), StringComparer.Ordinal);
    }

    /// <summary>
    /// From a whole section in memory (as <see cref="KeyedStateFormat.Write"/> returns it), with where each
    /// key group starts; the key groups share the array. Not checked against a checksum: the caller has none.
    /// </summary>
    public RestoredKeyedState(byte[] section, IReadOnlyDictionary<int, long> keyGroupOffsets, StateCodecs codecs)
        : this(Split(section, keyGroupOffsets, out var keyGroups), keyGroups, codecs)
    {
    }

    /// <summary>The key groups held, for tests and diagnostics.</summary>
    public IReadOnlyCollection<int> KeyGroups => _keyGroups.Keys;

    /// <summary>
    /// Adds to <paramref name="table"/> the entries of its state name, for the key groups of
    /// <paramref name="range"/>. Once every table of the snapshot was restored, the bytes are let go.
    /// </summary>
    public void Restore(IStateTable table, KeyGroupRange range)
    {
        var position = IndexOf(table.Name);
        if (position < 0) return;
        foreach (var (keyGroup, bytes) in _keyGroups.OrderBy(k => k.Key))
        {
            if (range.Contains(keyGroup)) KeyedStateFormat.RestoreKeyGroup(keyGroup, bytes, position, table, _codecs, _tables[position].Codecs);
        }
        if (_notYetRestored.Remove(table.Name) && _notYetRestored.Count == 0) _keyGroups.Clear();
    }

    private static IReadOnlyList<(string Name, string Codecs)> Split(byte[] section, IReadOnlyDictionary<int, long> offsets, out Dictionary<int, ArraySegment<byte>> keyGroups)
    {
        var starts = offsets.OrderBy(o => o.Value).ToArray();
        keyGroups = new Dictionary<int, ArraySegment<byte>>();
        for (var i = 0; i < starts.Length; i++)
        {
            var end = i + 1 < starts.Length ? starts[i + 1].Value : section.Length;
            keyGroups[starts[i].Key] = new ArraySegment<byte>(section, (int)starts[i].Value, (int)(end - starts[i].Value));
        }
        return KeyedStateFormat.ReadHeader(new ArraySegment<byte>(section, 0, starts.Length > 0 ? (int)starts[0].Value : section.Length));
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < _tables.Count; i++)
        {
            if (string.Equals(_tables[i].Name, name, StringComparison.Ordinal)) return i;
        }
        return -1;
    }
}
