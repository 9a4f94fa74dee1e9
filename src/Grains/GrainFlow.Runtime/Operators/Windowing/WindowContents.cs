using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>
/// The contents of the current key's windows, in keyed state <see cref="WindowStateNames.Contents"/>
/// namespaced by window (Flink's window state): elements are added, the contents read when the window
/// fires, and the contents of merging windows merged by the state itself, never recomputed.
/// </summary>
internal interface IWindowContents<in W, in TIn, TContents>
{
    void Add(W window, TIn value);

    bool TryGet(W window, out TContents contents);

    /// <summary>Reads the contents and clears them (for a window that fires and goes at once).</summary>
    bool TryTake(W window, out TContents contents);

    void Clear(W window);

    /// <summary>Merges the contents of <paramref name="sources"/> into <paramref name="target"/>'s and removes theirs.</summary>
    void Merge(W target, IEnumerable<W> sources);
}

/// <summary>Which keyed state holds a window's contents: reducing, aggregating or list state (as Flink's WindowedStream picks).</summary>
internal abstract class WindowContents<TIn, TContents>
{
    public abstract IWindowContents<W, TIn, TContents> Create<TKey, W>(IKeyedStateBackend<TKey> backend) where TKey : notnull where W : Window;

    /// <summary>Window contents on one of the backend's merging states.</summary>
    protected sealed class OnState<W, TState>(TState state, Action<TState, TIn> add, Func<TState, (bool Has, TContents Contents)> get)
        : IWindowContents<W, TIn, TContents> where TState : IInternalMergingState<W>
    {
        private readonly IInternalReadOnceState<TContents>? _readOnce = state as IInternalReadOnceState<TContents>;

        public void Add(W window, TIn value)
        {
            state.SetCurrentNamespace(window);
            add(state, value);
        }

        public bool TryGet(W window, out TContents contents)
        {
            state.SetCurrentNamespace(window);
            if (_readOnce is not null) return _readOnce.TryGet(out contents);
            (var has, contents) = get(state);
            return has;
        }

        public bool TryTake(W window, out TContents contents)
        {
            state.SetCurrentNamespace(window);
            if (_readOnce is not null) return _readOnce.TryTake(out contents);
            (var has, contents) = get(state);
            state.Clear();
            return has;
        }

        public void Clear(W window)
        {
            state.SetCurrentNamespace(window);
            state.Clear();
        }

        public void Merge(W target, IEnumerable<W> sources) => state.MergeNamespaces(target, sources);
    }
}

/// <summary>Incremental reduce: the contents are the window's elements reduced so far.</summary>
internal sealed class ReducingContents<T>(Func<T, T, T> reduce) : WindowContents<T, T>
{
    public override IWindowContents<W, T, T> Create<TKey, W>(IKeyedStateBackend<TKey> backend) =>
        new OnState<W, IInternalReducingState<W, T>>(
            backend.GetInternalReducingState<W, T>(new ReducingStateDescriptor<T>(WindowStateNames.Contents, reduce)),
            static (state, value) => state.Add(value),
            static state => (state.HasValue, state.Get()!));
}

/// <summary>Incremental aggregate: the window keeps the accumulator; its contents are the aggregate's result.</summary>
internal sealed class AggregatingContents<TIn, TAcc, TOut>(IAggregateFunction<TIn, TAcc, TOut> function) : WindowContents<TIn, TOut>
{
    public override IWindowContents<W, TIn, TOut> Create<TKey, W>(IKeyedStateBackend<TKey> backend) =>
        new OnState<W, IInternalAggregatingState<W, TIn, TOut>>(
            backend.GetInternalAggregatingState<W, TIn, TAcc, TOut>(new AggregatingStateDescriptor<TIn, TAcc, TOut>(WindowStateNames.Contents, function)),
            static (state, value) => state.Add(value),
            static state => (state.HasValue, state.Get()!));
}

/// <summary>Every element, for a process window function without incremental aggregation.</summary>
internal sealed class ListContents<T> : WindowContents<T, IReadOnlyList<T>>
{
    public override IWindowContents<W, T, IReadOnlyList<T>> Create<TKey, W>(IKeyedStateBackend<TKey> backend) =>
        new OnState<W, IInternalListState<W, T>>(
            backend.GetInternalListState<W, T>(new ListStateDescriptor<T>(WindowStateNames.Contents)),
            static (state, value) => state.Add(value),
            static state =>
            {
                var list = state.Get();
                return (list.Count > 0, list);
            });
}
