using System.Collections.Immutable;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// Keyed state of one operator subtask in an embedded RocksDB instance (Flink's "rocksdb" backend): one
/// column family per state, keys laid out as key group + key + namespace (<see cref="RocksDbKeyLayout"/>),
/// values by the native state codecs, so the state may be far larger than memory (memory is bounded by
/// <see cref="RocksDbBackendOptions"/>). Full checkpoints and canonical savepoints are written in the heap's format, so
/// they restore into either backend; incremental checkpoints and native savepoints are RocksDB's own files
/// (<see cref="RocksDbIncrementalSnapshotStrategy"/>). Disposing closes the instance and deletes its working directory.
/// </summary>
internal sealed class RocksDbKeyedStateBackend<TKey> : IKeyedStateBackend<TKey>, INativeSnapshotBackend where TKey : notnull
{
    private readonly Dictionary<string, IRocksDbStateTable> _tables = new(StringComparer.Ordinal);
    private readonly List<RestoredKeyedState> _restored = new();
    private readonly int _maxParallelism;
    // Incremental checkpoints and native savepoints of this instance.
    private readonly RocksDbIncrementalSnapshotStrategy _nativeSnapshots;

    /// <param name="codecs">The native state codecs (<see cref="StateCodecs"/> of the silo): what the bytes in RocksDB are written with.</param>
    /// <param name="restoreFrom">
    /// The downloaded instances of the old subtasks whose key groups overlap <paramref name="keyGroups"/> (incremental
    /// checkpoints, native savepoints): the instance is built from them (<see cref="RocksDbIncrementalRestoreOperation"/>),
    /// which takes and deletes them. None: a new, empty instance.
    /// </param>
    /// <param name="localRecovery">Where the job keeps local copies of its checkpoints on this silo (local recovery); null: none are kept.</param>
    /// <param name="time">The clock of the flush ahead of checkpoints (<see cref="RocksDbFlushAhead"/>); the system's when null.</param>
    /// <exception cref="IOException">The local directory of <paramref name="options"/> is not writable, or a restored database cannot be opened.</exception>
    /// <summary>RocksDB orders entries by key group, key and namespace whatever the hint: nothing to choose here.</summary>
    public bool NamespacesSharedByKeys { get; set; }

    public RocksDbKeyedStateBackend(KeyGroupRange keyGroups, int maxParallelism, StateCodecs codecs, RocksDbBackendOptions options,
        IReadOnlyList<RocksDbRestoreSource>? restoreFrom = null, LocalRecoveryConfig? localRecovery = null, TimeProvider? time = null)
    {
        KeyGroups = keyGroups;
        _maxParallelism = maxParallelism;
        Codecs = codecs.In(Savepoints.SavepointFormatType.Native);
        KeyGroupPrefixBytes = RocksDbKeyLayout.PrefixBytes(maxParallelism);
        if (restoreFrom is { Count: > 0 }) (Instance, RestoredIncrementalState) = RocksDbIncrementalRestoreOperation.Restore(restoreFrom, keyGroups, maxParallelism, options, time);
        else Instance = new RocksDbInstance(options, time);
        // A restored instance that is its snapshot unchanged reuses that snapshot's shared files (uploaded, confirmed: it is retained).
        _nativeSnapshots = new RocksDbIncrementalSnapshotStrategy(Instance, keyGroups, UploadedSharedFiles.Restored(RestoredIncrementalState), localRecovery);
    }

    public KeyGroupRange KeyGroups { get; }

    public TKey CurrentKey { get; private set; } = default!;

    public int CurrentGroupIndex { get; private set; }

    /// <summary>The current key's group (the first bytes of its RocksDB keys).</summary>
    public int CurrentKeyGroup => KeyGroups.StartKeyGroup + CurrentGroupIndex;

    public IReadOnlyCollection<IStateTable> Tables => _tables.Values;

    internal StateCodecs Codecs { get; }

    internal int KeyGroupPrefixBytes { get; }

    internal RocksDbInstance Instance { get; }

    /// <summary>
    /// The incremental snapshot this instance was opened from as it is (same key groups, one old instance; Flink's
    /// restoreWithoutRescaling), or null (new, rescaled, or restored from the canonical format). Its shared files are
    /// already in the checkpoint storage: <see cref="UploadedSharedFiles.Restored"/> starts the next incremental
    /// checkpoints from them.
    /// </summary>
    public IncrementalKeyedStateHandle? RestoredIncrementalState { get; }

    /// <summary>The directory RocksDB works in (deleted on dispose).</summary>
    public string WorkingDirectory => Instance.WorkingDirectory;

    public void SetCurrentKey(TKey key)
    {
        CurrentGroupIndex = KeyGroupRouting.GroupIndexOf(key, KeyGroups, _maxParallelism);
        CurrentKey = key;
    }

    public void AddRestoredState(RestoredKeyedState restored) => _restored.Add(restored);

    /// <summary>Every state as of one RocksDB snapshot (taken in microseconds); its entries are read when the snapshot is written.</summary>
    public IReadOnlyList<IStateTableSnapshot> CaptureSnapshot()
    {
        var lease = new RocksDbSnapshotLease(Instance);
        return _tables.Values.Select(t => t.Capture(lease)).ToList();
    }

    /// <summary>A RocksDB checkpoint of every state into <paramref name="directory"/> (hard links to the SST files): the native snapshot's files.</summary>
    public RocksDbNativeCheckpoint TakeNativeCheckpoint(string directory) => RocksDbNativeCheckpoint.Take(Instance, directory);

    public INativeKeyedSnapshot TakeNativeSnapshot(string operatorUid, Channels.CheckpointBarrier barrier) => _nativeSnapshots.Take(operatorUid, barrier);

    public void NotifyCheckpointComplete(long checkpointId) => _nativeSnapshots.NotifyCheckpointComplete(checkpointId);

    public IInternalValueState<TNamespace, TValue> GetInternalValueState<TNamespace, TValue>(ValueStateDescriptor<TValue> descriptor) where TNamespace : notnull =>
        new RocksDbValueState<TKey, TNamespace, TValue>(this, Table<TValue>(descriptor, ValueTable<TNamespace, TValue>));

    public IInternalMapState<TNamespace, TUserKey, TUserValue> GetInternalMapState<TNamespace, TUserKey, TUserValue>(MapStateDescriptor<TUserKey, TUserValue> descriptor)
        where TNamespace : notnull where TUserKey : notnull =>
        new RocksDbMapState<TKey, TNamespace, TUserKey, TUserValue>(this, Table<ImmutableDictionary<TUserKey, TUserValue>>(descriptor, name => VoidNamespace.Is<TNamespace>()
            ? new RocksDbMapTable<TKey, TUserKey, TUserValue>(name, Instance, KeyGroups, KeyGroupPrefixBytes, Codecs)
            : new RocksDbMapTable<NamespacedKey<TKey, TNamespace>, TUserKey, TUserValue>(name, Instance, KeyGroups, KeyGroupPrefixBytes, Codecs)));

    public IInternalListState<TNamespace, TValue> GetInternalListState<TNamespace, TValue>(ListStateDescriptor<TValue> descriptor) where TNamespace : notnull =>
        new RocksDbListState<TKey, TNamespace, TValue>(this, Table<ImmutableList<TValue>>(descriptor, name => VoidNamespace.Is<TNamespace>()
            ? new RocksDbListTable<TKey, TValue>(name, Instance, KeyGroups, KeyGroupPrefixBytes, Codecs)
            : new RocksDbListTable<NamespacedKey<TKey, TNamespace>, TValue>(name, Instance, KeyGroups, KeyGroupPrefixBytes, Codecs)));

    public IInternalReducingState<TNamespace, TValue> GetInternalReducingState<TNamespace, TValue>(ReducingStateDescriptor<TValue> descriptor) where TNamespace : notnull =>
        new RocksDbReducingState<TKey, TNamespace, TValue>(this, Table<TValue>(descriptor, ValueTable<TNamespace, TValue>), descriptor.Reduce);

    public IInternalAggregatingState<TNamespace, TIn, TOut> GetInternalAggregatingState<TNamespace, TIn, TAcc, TOut>(AggregatingStateDescriptor<TIn, TAcc, TOut> descriptor)
        where TNamespace : notnull =>
        new RocksDbAggregatingState<TKey, TNamespace, TIn, TAcc, TOut>(this, Table<TAcc>(descriptor, ValueTable<TNamespace, TAcc>), descriptor.Function);

    public IKeyGroupedTimerQueue<TKey, TNamespace> CreateTimerQueue<TNamespace>(string stateName) where TNamespace : notnull =>
        new RocksDbTimerQueue<TKey, TNamespace>(this, Registered<ImmutableArray<long>>(stateName, name => VoidNamespace.Is<TNamespace>()
            ? new RocksDbTimerTable<TKey>(name, Instance, KeyGroups, KeyGroupPrefixBytes, Codecs)
            : new RocksDbTimerTable<NamespacedKey<TKey, TNamespace>>(name, Instance, KeyGroups, KeyGroupPrefixBytes, Codecs)));

    /// <summary>Closes the RocksDB instance (snapshots still being written then fail clearly) and deletes its working directory.</summary>
    public void Dispose() => Instance.Dispose();

    private IRocksDbStateTable ValueTable<TNamespace, TValue>(string name) where TNamespace : notnull => VoidNamespace.Is<TNamespace>()
        ? new RocksDbValueTable<TKey, TValue>(name, Instance, KeyGroups, KeyGroupPrefixBytes, Codecs)
        : new RocksDbValueTable<NamespacedKey<TKey, TNamespace>, TValue>(name, Instance, KeyGroups, KeyGroupPrefixBytes, Codecs);

    private IRocksDbStateTable Table<TValue>(StateDescriptor descriptor, Func<string, IRocksDbStateTable> create) =>
        !TimerStateNames.IsReserved(descriptor.Name)
            ? Registered<TValue>(descriptor.Name, create)
            : throw new ArgumentException(
                $"The state name '{descriptor.Name}' is reserved for the timers of keyed operators (names starting with '_timers' or '_event_timers'); give the state another name.",
                nameof(descriptor));

    /// <summary>The table of state <paramref name="name"/>, filled from the restored state when it is first registered.</summary>
    private IRocksDbStateTable Registered<TValue>(string name, Func<string, IRocksDbStateTable> create)
    {
        var table = create(name);
        if (_tables.TryGetValue(name, out var existing))
        {
            // The same kind over the same key, namespace and value types, or the state would be read with other codecs.
            return existing.GetType() == table.GetType()
                ? existing
                : throw new InvalidOperationException($"State '{name}' was already registered with another type than {typeof(TValue).Name} (or in another namespace type, or as another kind of state).");
        }
        RocksDbStateMetaInfo.CheckOrRecord(Instance, table);
        _tables.Add(name, table);
        // State from a snapshot is typed only now, when the function declares it.
        foreach (var restored in _restored) restored.Restore(table, KeyGroups);
        return table;
    }
}
