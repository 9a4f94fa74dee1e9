using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.State;

/// <summary>
/// How the heap backend keys an entry in a <see cref="TimeWindow"/> namespace: the record key and the
/// window's bounds, as a value. Keyed by <see cref="NamespacedKey{TKey, TNamespace}"/>, the window being
/// a class, every dictionary of such a table runs .NET's code shared across reference types, which
/// looks up its comparers and types at run time on every call; with the bounds as longs and a value
/// key (<c>long</c> for most jobs) the JIT compiles the tables' lookups for this very type. Snapshots
/// write it exactly as the <see cref="NamespacedKey{TKey, TNamespace}"/> it stands for
/// (<see cref="Checkpointing.TimeWindowKeyCodec{TKey}"/>).
/// </summary>
internal readonly struct TimeWindowKey<TKey>(TKey key, long start, long end) : IEquatable<TimeWindowKey<TKey>>
{
    public TKey Key { get; } = key;

    public long Start { get; } = start;

    public long End { get; } = end;

    public TimeWindow Window => new(Start, End);

    public bool Equals(TimeWindowKey<TKey> other) => Start == other.Start && End == other.End && EqualityComparer<TKey>.Default.Equals(Key, other.Key);

    public override bool Equals(object? obj) => obj is TimeWindowKey<TKey> other && Equals(other);

    public override int GetHashCode() =>
        unchecked(((Key is null ? 0 : EqualityComparer<TKey>.Default.GetHashCode(Key)) * -1521134295 + Start.GetHashCode()) * -1521134295 + End.GetHashCode());

    // As the namespaced key it stands for, for whoever shows state entries (the REST state view).
    public override string ToString() => new NamespacedKey<TKey, TimeWindow>(Key, Window).ToString();
}
