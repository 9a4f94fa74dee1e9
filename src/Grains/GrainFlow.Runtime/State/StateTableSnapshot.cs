namespace GrainFlow.Runtime.State;

/// <summary>An immutable capture of one state table, readable on any thread.</summary>
internal interface IStateTableSnapshot
{
    string Name { get; }

    long Count { get; }

    IEnumerable<(int KeyGroup, object Key, object? Value)> UntypedEntries { get; }
}

/// <summary>
/// The entries of a <see cref="StateTable{TKey, TValue}"/> at the moment of capture. It shares the
/// table's bucket dictionaries; the table copies a bucket before writing to it, so nothing here
/// ever changes.
/// </summary>
internal sealed class StateTableSnapshot<TKey, TValue>(string name, int firstKeyGroup, Dictionary<TKey, TValue>?[] buckets) : IStateTableSnapshot
    where TKey : notnull
{
    public string Name { get; } = name;

    public long Count => buckets.Sum(b => (long)(b?.Count ?? 0));

    public IEnumerable<(int KeyGroup, TKey Key, TValue Value)> Entries => StateTable<TKey, TValue>.Enumerate(buckets, firstKeyGroup);

    public IEnumerable<(int KeyGroup, object Key, object? Value)> UntypedEntries =>
        Entries.Select(e => (e.KeyGroup, (object)e.Key, (object?)e.Value));
}
