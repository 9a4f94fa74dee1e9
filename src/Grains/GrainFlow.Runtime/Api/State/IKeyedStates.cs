namespace GrainFlow.Runtime.Api.State;

/// <summary>One value per key.</summary>
public interface IValueState<T>
{
    /// <summary>The current key's value, or default when none was set.</summary>
    T? Value { get; }

    bool HasValue { get; }

    void Update(T value);

    void Clear();
}

/// <summary>A map per key.</summary>
public interface IMapState<TUserKey, TUserValue> where TUserKey : notnull
{
    bool TryGet(TUserKey key, out TUserValue value);

    void Put(TUserKey key, TUserValue value);

    bool Remove(TUserKey key);

    bool Contains(TUserKey key);

    IEnumerable<KeyValuePair<TUserKey, TUserValue>> Entries { get; }

    bool IsEmpty { get; }

    void Clear();
}

/// <summary>A list per key.</summary>
public interface IListState<T>
{
    IReadOnlyList<T> Get();

    void Add(T value);

    void Update(IEnumerable<T> values);

    void Clear();
}

/// <summary>One value per key that every added value is reduced into (Flink's ReducingState).</summary>
public interface IReducingState<T>
{
    /// <summary>The reduced value, or default when nothing was added.</summary>
    T? Get();

    bool HasValue { get; }

    void Add(T value);

    void Clear();
}

/// <summary>An accumulator per key that added values are aggregated into, read as its result (Flink's AggregatingState).</summary>
public interface IAggregatingState<in TIn, TOut>
{
    /// <summary>The result of the accumulator, or default when nothing was added.</summary>
    TOut? Get();

    bool HasValue { get; }

    void Add(TIn value);

    void Clear();
}
