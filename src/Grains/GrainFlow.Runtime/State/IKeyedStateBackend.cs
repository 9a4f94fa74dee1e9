using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.State;

/// <summary>
/// The keyed state of one operator subtask, whatever holds it (Flink's KeyedStateBackend): the
/// current key, the states and timer queues the operator and its function register — all partitioned
/// by key group so they move when parallelism changes. One implementation per backend
/// (<c>state.backend.type</c>); operators, windows and timer services see only this.
/// </summary>
internal interface IKeyedStateBackend<TKey> : IDisposable where TKey : notnull
{
    KeyGroupRange KeyGroups { get; }

    TKey CurrentKey { get; }

    /// <summary>Index of the current key's group within <see cref="KeyGroups"/>.</summary>
    int CurrentGroupIndex { get; }

    /// <summary>Every registered state (timers included), for snapshots, inspection and tests.</summary>
    IReadOnlyCollection<IStateTable> Tables { get; }

    /// <summary>Makes <paramref name="key"/> current; fails if it does not belong to this subtask (a routing bug, never silent).</summary>
    void SetCurrentKey(TKey key);

    /// <summary>
    /// Keeps snapshot bytes (of this operator, possibly from several old subtasks) to fill each state
    /// when it is registered. Must be called before the operator's function registers its state.
    /// </summary>
    void AddRestoredState(RestoredKeyedState restored);

    /// <summary>Captures every state as of now; the result stays valid (and unchanged) while processing goes on.</summary>
    IReadOnlyList<IStateTableSnapshot> CaptureSnapshot();

    /// <summary>
    /// A hint from the operator, given before it registers its state: the namespaces of this backend's
    /// state are the same for every key (the windows of a tumbling, sliding or global assigner, not the
    /// sessions of a merging one), so state in a namespace may be laid out by namespace. What a backend
    /// does with it is its own business; it never changes what a snapshot holds.
    /// </summary>
    bool NamespacesSharedByKeys { get; set; }

    IInternalValueState<TNamespace, TValue> GetInternalValueState<TNamespace, TValue>(ValueStateDescriptor<TValue> descriptor) where TNamespace : notnull;

    IInternalMapState<TNamespace, TUserKey, TUserValue> GetInternalMapState<TNamespace, TUserKey, TUserValue>(MapStateDescriptor<TUserKey, TUserValue> descriptor)
        where TNamespace : notnull where TUserKey : notnull;

    IInternalListState<TNamespace, TValue> GetInternalListState<TNamespace, TValue>(ListStateDescriptor<TValue> descriptor) where TNamespace : notnull;

    IInternalReducingState<TNamespace, TValue> GetInternalReducingState<TNamespace, TValue>(ReducingStateDescriptor<TValue> descriptor) where TNamespace : notnull;

    IInternalAggregatingState<TNamespace, TIn, TOut> GetInternalAggregatingState<TNamespace, TIn, TAcc, TOut>(AggregatingStateDescriptor<TIn, TAcc, TOut> descriptor)
        where TNamespace : notnull;

    /// <summary>
    /// The timers of one time domain of one timer service, kept as state <paramref name="stateName"/>
    /// (see <see cref="TimerStateNames"/>) with the restored timers of this subtask's key groups.
    /// </summary>
    IKeyGroupedTimerQueue<TKey, TNamespace> CreateTimerQueue<TNamespace>(string stateName) where TNamespace : notnull;
}
