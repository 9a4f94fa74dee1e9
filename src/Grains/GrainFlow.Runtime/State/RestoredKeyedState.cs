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

    private int IndexOf(string name)
    {
        for (var i = 0; i < _tables.Count; i++)
        {
            if (string.Equals(_tables[i].Name, name, StringComparison.Ordinal)) return i;
        }
        return -1;
    }
}
