using System.Collections.Immutable;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.State;

/// <summary>
/// Heap keyed state of one operator subtask (Flink's "hashmap" backend): the current key, the
/// state tables registered by the operator and its function — user state, operator state in
/// namespaces (windows), and the timers of its timer services — all partitioned by key group.
/// </summary>
internal sealed class HeapKeyedStateBackend<TKey> : IKeyedStateBackend<TKey> where TKey : notnull
{
    private readonly Dictionary<string, IStateTable> _tables = new(StringComparer.Ordinal);
    private readonly List<RestoredKeyedState> _restored = new();
    private readonly int _maxParallelism;

    public HeapKeyedStateBackend(KeyGroupRange keyGroups, int maxParallelism)
    {
        KeyGroups = keyGroups;
        _maxParallelism = maxParallelism;
    }

    public KeyGroupRange KeyGroups { get; }

    public TKey CurrentKey { get; private set; } = default!;

    /// <summary>Index of the current key's group within <see cref="KeyGroups"/>.</summary>
    public int CurrentGroupIndex { get; private set; }

    public IReadOnlyCollection<IStateTable> Tables => _tables.Values;

    /// <summary>When set, state in a namespace is bucketed by namespace (see <see cref="NamespacedTable{TKey, TNamespace, TValue}.Create"/>).</summary>
    public bool NamespacesSharedByKeys { get; set; }

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
        CurrentGroupIndex = KeyGroupRouting.GroupIndexOf(key, KeyGroups, _maxParallelism);
        CurrentKey = key;
    }

    /// <summary>The table of state <paramref name="name"/>, filled from the restored state when it is first registered.</summary>
    public StateTable<TStateKey, TValue> GetOrCreateTable<TStateKey, TValue>(
        string name, IStateKeyComparer<TStateKey>? comparer = null, int bucketsPerKeyGroup = StateTable<TStateKey, TValue>.DefaultBucketsPerKeyGroup)
        where TStateKey : notnull
    {
        if (_tables.TryGetValue(name, out var existing))
        {
            return existing as StateTable<TStateKey, TValue>
                ?? throw new InvalidOperationException($"State '{name}' was already registered with another type than {typeof(TValue).Name} (or in another namespace type).");
        }
        var table = new StateTable<TStateKey, TValue>(name, KeyGroups.StartKeyGroup, KeyGroups.Count, comparer, bucketsPerKeyGroup);
        _tables.Add(name, table);
        // State from a snapshot is typed only now, when the function declares it.
        foreach (var restored in _restored) restored.Restore(table, KeyGroups);
        return table;
    }

    public IInternalValueState<TNamespace, TValue> GetInternalValueState<TNamespace, TValue>(ValueStateDescriptor<TValue> descriptor) where TNamespace : notnull =>
        new HeapValueState<TKey, TNamespace, TValue>(this, Table<TNamespace, TValue>(descriptor));

    public IInternalMapState<TNamespace, TUserKey, TUserValue> GetInternalMapState<TNamespace, TUserKey, TUserValue>(MapStateDescriptor<TUserKey, TUserValue> descriptor)
        where TNamespace : notnull where TUserKey : notnull =>
        new HeapMapState<TKey, TNamespace, TUserKey, TUserValue>(this, Table<TNamespace, ImmutableDictionary<TUserKey, TUserValue>>(descriptor));

    public IInternalListState<TNamespace, TValue> GetInternalListState<TNamespace, TValue>(ListStateDescriptor<TValue> descriptor) where TNamespace : notnull =>
        new HeapListState<TKey, TNamespace, TValue>(this, Table<TNamespace, ImmutableList<TValue>>(descriptor));

    public IInternalReducingState<TNamespace, TValue> GetInternalReducingState<TNamespace, TValue>(ReducingStateDescriptor<TValue> descriptor) where TNamespace : notnull =>
        new HeapReducingState<TKey, TNamespace, TValue>(this, Table<TNamespace, TValue>(descriptor), descriptor.Reduce);

    public IInternalAggregatingState<TNamespace, TIn, TOut> GetInternalAggregatingState<TNamespace, TIn, TAcc, TOut>(AggregatingStateDescriptor<TIn, TAcc, TOut> descriptor)
        where TNamespace : notnull =>
        new HeapAggregatingState<TKey, TNamespace, TIn, TAcc, TOut>(this, Table<TNamespace, TAcc>(descriptor), descriptor.Function);

    public IKeyGroupedTimerQueue<TKey, TNamespace> CreateTimerQueue<TNamespace>(string stateName) where TNamespace : notnull =>
        new TimerQueue<TKey, TNamespace>(KeyGroups.StartKeyGroup, KeyGroups.Count, NamespacedTable<TKey, TNamespace, ImmutableArray<long>>.Create(this, stateName));

    /// <summary>Nothing to release: the heap's state goes with the operator.</summary>
    public void Dispose() { }

    private NamespacedTable<TKey, TNamespace, TValue> Table<TNamespace, TValue>(StateDescriptor descriptor) where TNamespace : notnull =>
        !TimerStateNames.IsReserved(descriptor.Name)
            ? NamespacedTable<TKey, TNamespace, TValue>.Create(this, descriptor.Name)
            : throw new ArgumentException(
                $"The state name '{descriptor.Name}' is reserved for the timers of keyed operators (names starting with '_timers' or '_event_timers'); give the state another name.",
                nameof(descriptor));
}
