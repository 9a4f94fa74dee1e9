using System.Collections.Immutable;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>The value of one window of the current key, as an <see cref="IValueState{T}"/> (what triggers and window functions get).</summary>
internal sealed class WindowValueState<W, TValue>(INamespacedValueState<W, TValue> state, W window) : IValueState<TValue> where W : Window
{
    public TValue? Value => state.TryGet(window, out var value) ? value : default;

    public bool HasValue => state.TryGet(window, out _);

    public void Update(TValue value) => state.Update(window, value);

    public void Clear() => state.Clear(window);
}

/// <summary>List state kept as one immutable list value, so a snapshot holding the old list never sees it change.</summary>
internal sealed class ValueBackedListState<T>(IValueState<ImmutableList<T>> value) : IListState<T>
{
    public IReadOnlyList<T> Get() => value.Value ?? [];

    public void Add(T item) => value.Update((value.Value ?? []).Add(item));

    public void Update(IEnumerable<T> values) => value.Update([.. values]);

    public void Clear() => value.Clear();
}

/// <summary>Map state kept as one immutable dictionary value.</summary>
internal sealed class ValueBackedMapState<TUserKey, TUserValue>(IValueState<ImmutableDictionary<TUserKey, TUserValue>> value)
    : IMapState<TUserKey, TUserValue> where TUserKey : notnull
{
    private ImmutableDictionary<TUserKey, TUserValue> Map => value.Value ?? ImmutableDictionary<TUserKey, TUserValue>.Empty;

    public bool TryGet(TUserKey key, out TUserValue userValue) => Map.TryGetValue(key, out userValue!);

    public void Put(TUserKey key, TUserValue userValue) => value.Update(Map.SetItem(key, userValue));

    public bool Remove(TUserKey key)
    {
        var map = Map;
        if (!map.ContainsKey(key)) return false;
        if (map.Count == 1) value.Clear();
        else value.Update(map.Remove(key));
        return true;
    }

    public bool Contains(TUserKey key) => Map.ContainsKey(key);

    public IEnumerable<KeyValuePair<TUserKey, TUserValue>> Entries => Map;

    public bool IsEmpty => Map.IsEmpty;

    public void Clear() => value.Clear();
}

/// <summary>A process window function's per-window state: every state it declares is namespaced by the window.</summary>
internal sealed class WindowKeyedStateStore<W>(IWindowOperatorState<W> state, W window) : IKeyedStateStore where W : Window
{
    public IValueState<T> GetState<T>(ValueStateDescriptor<T> descriptor) =>
        new WindowValueState<W, T>(state.GetWindowState<T>(WindowStateNames.User(descriptor)), window);

    public IListState<T> GetListState<T>(ListStateDescriptor<T> descriptor) =>
        new ValueBackedListState<T>(new WindowValueState<W, ImmutableList<T>>(state.GetWindowState<ImmutableList<T>>(WindowStateNames.User(descriptor)), window));

    public IMapState<TUserKey, TUserValue> GetMapState<TUserKey, TUserValue>(MapStateDescriptor<TUserKey, TUserValue> descriptor) where TUserKey : notnull =>
        new ValueBackedMapState<TUserKey, TUserValue>(new WindowValueState<W, ImmutableDictionary<TUserKey, TUserValue>>(
            state.GetWindowState<ImmutableDictionary<TUserKey, TUserValue>>(WindowStateNames.User(descriptor)), window));
}

/// <summary>A process window function's per-key state, shared by all windows of the key.</summary>
internal sealed class KeyScopedStateStore<W>(IWindowOperatorState<W> state) : IKeyedStateStore where W : Window
{
    public IValueState<T> GetState<T>(ValueStateDescriptor<T> descriptor) => state.GetKeyState<T>(WindowStateNames.User(descriptor));

    public IListState<T> GetListState<T>(ListStateDescriptor<T> descriptor) =>
        new ValueBackedListState<T>(state.GetKeyState<ImmutableList<T>>(WindowStateNames.User(descriptor)));

    public IMapState<TUserKey, TUserValue> GetMapState<TUserKey, TUserValue>(MapStateDescriptor<TUserKey, TUserValue> descriptor) where TUserKey : notnull =>
        new ValueBackedMapState<TUserKey, TUserValue>(state.GetKeyState<ImmutableDictionary<TUserKey, TUserValue>>(WindowStateNames.User(descriptor)));
}
