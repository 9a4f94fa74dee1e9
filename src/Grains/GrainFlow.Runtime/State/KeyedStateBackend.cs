using System.Collections.Immutable;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.State;

/// <summary>
/// Heap keyed state of one operator subtask (Flink's "hashmap" backend): the current key, the
/// state tables registered by the operator's function, and its processing-time timers (a state
/// table too, so they are snapshotted and redistributed with their key groups), all partitioned
/// by key group.
/// </summary>
internal sealed class KeyedStateBackend<TKey> where TKey : notnull
{
    private readonly Dictionary<string, IStateTable> _tables = new(StringComparer.Ordinal);
    private readonly List<RestoredKeyedState> _restored = new();
    private readonly int _maxParallelism;
    private ProcessingTimeTimers<TKey>? _timers;

    public KeyedStateBackend(KeyGroupRange keyGroups, int maxParallelism)
    {
        KeyGroups = keyGroups;
        _maxParallelism = maxParallelism;
    }

    public KeyGroupRange KeyGroups { get; }

    public TKey CurrentKey { get; private set; } = default!;

    /// <summary>Index of the current key's group within <see cref="KeyGroups"/>.</summary>
    public int CurrentGroupIndex { get; private set; }

    public IReadOnlyCollection<IStateTable> Tables => _tables.Values;

    /// <summary>
    /// Keeps snapshot bytes (of this operator, possibly from several old subtasks) to fill each state
    /// table when it is registered. Must be called before the operator's function registers its state.
    /// </summary>
    public void AddRestoredState(RestoredKeyedState restored) => _restored.Add(restored);

    /// <summary>Captures every table in O(buckets); the result stays valid while processing goes on.</summary>
    public IReadOnlyList<IStateTableSnapshot> CaptureSnapshot() => _tables.Values.Select(t => t.CaptureUntypedSnapshot()).ToList();

    /// <summary>Makes <paramref name="key"/> current; fails if it does not belong to this subtask (a routing bug, never silent).</summary>
    public void SetCurrentKey(TKey key)
    {
        var keyGroup = KeyGroupAssignment.KeyGroupFor(key, _maxParallelism);
        if (!KeyGroups.Contains(keyGroup))
        {
            throw new InvalidOperationException(
                $"Key '{key}' belongs to key group {keyGroup}, which is not in this subtask's range {KeyGroups}: records were routed to the wrong subtask.");
        }
        CurrentKey = key;
        CurrentGroupIndex = keyGroup - KeyGroups.StartKeyGroup;
    }

    public StateTable<TKey, TValue> GetOrCreateTable<TValue>(string name)
    {
        if (_tables.TryGetValue(name, out var existing))
        {
            return existing as StateTable<TKey, TValue>
                ?? throw new InvalidOperationException($"State '{name}' was already registered with another type than {typeof(TValue).Name}.");
        }
        var table = new StateTable<TKey, TValue>(name, KeyGroups.StartKeyGroup, KeyGroups.Count);
        _tables.Add(name, table);
        // State from a snapshot is typed only now, when the function declares it.
        foreach (var restored in _restored) restored.Restore(table, KeyGroups);
        return table;
    }

    /// <summary>
    /// The processing-time timers of this subtask, kept in the reserved table
    /// <see cref="ProcessingTimeTimers{TKey}.StateName"/>; timers in the restored state are scheduled again.
    /// Like the other tables, call it after the restored state was added.
    /// </summary>
    public ProcessingTimeTimers<TKey> GetProcessingTimeTimers() =>
        _timers ??= new ProcessingTimeTimers<TKey>(this, GetOrCreateTable<ImmutableArray<long>>(ProcessingTimeTimers<TKey>.StateName));

    public IValueState<TValue> GetValueState<TValue>(ValueStateDescriptor<TValue> descriptor) =>
        new HeapValueState<TKey, TValue>(this, GetOrCreateTable<TValue>(UserStateName(descriptor)));

    public IMapState<TUserKey, TUserValue> GetMapState<TUserKey, TUserValue>(MapStateDescriptor<TUserKey, TUserValue> descriptor)
        where TUserKey : notnull =>
        new HeapMapState<TKey, TUserKey, TUserValue>(this, GetOrCreateTable<ImmutableDictionary<TUserKey, TUserValue>>(UserStateName(descriptor)));

    public IListState<TValue> GetListState<TValue>(ListStateDescriptor<TValue> descriptor) =>
        new HeapListState<TKey, TValue>(this, GetOrCreateTable<ImmutableList<TValue>>(UserStateName(descriptor)));

    private static string UserStateName(StateDescriptor descriptor) => descriptor.Name != ProcessingTimeTimers<TKey>.StateName
        ? descriptor.Name
        : throw new ArgumentException(
            $"The state name '{descriptor.Name}' is reserved for the processing-time timers of keyed operators; give the state another name.",
            nameof(descriptor));
}
