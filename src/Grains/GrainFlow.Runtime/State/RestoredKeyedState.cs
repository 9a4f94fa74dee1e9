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
    // Per key group, how many of the snapshot's tables took its entries; at all of them its bytes go.
    private readonly Dictionary<int, int> _tablesRestored = new();
    private readonly HashSet<int> _released = new();

    public RestoredKeyedState(IReadOnlyList<(string Name, string Codecs)> tables, Dictionary<int, ArraySegment<byte>> keyGroups, StateCodecs codecs)
    {
        _tables = tables;
        _keyGroups = keyGroups;
        _codecs = codecs;
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
    /// <paramref name="range"/>. A key group's bytes are let go once every table of the snapshot took
    /// its entries, so the state is not held twice for the life of the job.
    /// </summary>
    /// <exception cref="InvalidOperationException">A key group of <paramref name="range"/> was already restored into every table and let go.</exception>
    /// <exception cref="InvalidDataException">The snapshot holds the state with other types than the table's, or its bytes cannot be read.</exception>
    public void Restore(IStateTable table, KeyGroupRange range)
    {
        var position = IndexOf(table.Name);
        if (position < 0) return;
        if (_released.FirstOrDefault(range.Contains, -1) is var released and >= 0)
        {
            throw new InvalidOperationException($"Key group {released} of this snapshot was already restored into every table and its bytes were let go; read the snapshot again to restore it once more.");
        }
        foreach (var keyGroup in _keyGroups.Keys.Where(range.Contains).Order().ToList())
        {
            try
            {
                KeyedStateFormat.RestoreKeyGroup(keyGroup, _keyGroups[keyGroup], position, table, _codecs, _tables[position].Codecs);
            }
            catch (InvalidDataException e) when (!e.Message.Contains($"'{table.Name}'", StringComparison.Ordinal))
            {
                // The codecs know the types, not which state they belong to.
                throw new InvalidDataException($"State '{table.Name}': {e.Message}", e);
            }
            var restored = _tablesRestored[keyGroup] = _tablesRestored.GetValueOrDefault(keyGroup) + 1;
            if (restored == _tables.Count)
            {
                _keyGroups.Remove(keyGroup);
                _tablesRestored.Remove(keyGroup);
                _released.Add(keyGroup);
            }
        }
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
