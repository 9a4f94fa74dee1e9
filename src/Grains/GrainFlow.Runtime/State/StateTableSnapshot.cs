using System.Runtime.CompilerServices;

namespace GrainFlow.Runtime.State;

/// <summary>An immutable capture of one state table, readable on any thread.</summary>
internal interface IStateTableSnapshot
{
    string Name { get; }

    long Count { get; }

    IEnumerable<(int KeyGroup, object Key, object? Value)> UntypedEntries { get; }

    /// <summary>Names of the codecs of key and value, recorded with the bytes.</summary>
    string Codecs(Checkpointing.StateCodecs codecs);

    /// <summary>How many entries key group <paramref name="keyGroup"/> holds.</summary>
    int CountIn(int keyGroup);

    /// <summary>Writes the entries of one key group: key then value, with the table's codecs.</summary>
    void WriteKeyGroup(int keyGroup, BinaryWriter writer, Checkpointing.StateCodecs codecs);
}

/// <summary>What a <see cref="StateTableSnapshot{TKey, TValue}"/> tells its table when it is released: it no longer reads the table's dictionaries.</summary>
internal interface ISnapshotReleaseTarget
{
    void Release();
}

/// <summary>
/// The entries of a <see cref="StateTable{TKey, TValue}"/> at the moment of capture. It shares the
/// table's bucket dictionaries; the table writes to an overlay instead of a dictionary a snapshot may
/// read, so nothing here ever changes. Dispose it once written (on any thread): the table then folds its
/// overlays back into its dictionaries. A snapshot never disposed costs the table speed, never correctness.
/// </summary>
internal sealed class StateTableSnapshot<TKey, TValue>(string name, int firstKeyGroup, int bucketsPerKeyGroup, Dictionary<TKey, TValue>?[] buckets,
    ISnapshotReleaseTarget table) : IStateTableSnapshot, IDisposable
    where TKey : notnull
{
    private int _released;

    public string Name { get; } = name;

    public long Count => buckets.Sum(b => (long)(b?.Count ?? 0));

    public IEnumerable<(int KeyGroup, TKey Key, TValue Value)> Entries => StateTable<TKey, TValue>.Enumerate(buckets, firstKeyGroup, bucketsPerKeyGroup);

    public IEnumerable<(int KeyGroup, object Key, object? Value)> UntypedEntries =>
        Entries.Select(e => (e.KeyGroup, (object)e.Key, (object?)e.Value));

    public string Codecs(Checkpointing.StateCodecs codecs) => $"{codecs.For<TKey>().Name}|{codecs.For<TValue>().Name}";

    public int CountIn(int keyGroup)
    {
        var first = (keyGroup - firstKeyGroup) * bucketsPerKeyGroup;
        var count = 0;
        for (var b = first; b < first + bucketsPerKeyGroup; b++) count += buckets[b]?.Count ?? 0;
        return count;
    }

    // Fully optimized from the first call: a checkpoint runs this loop over every entry, and a
    // process that checkpoints every few seconds would otherwise serialize with unoptimized code for
    // its first minutes (tiered compilation promotes methods only after a quiet period without new JIT work).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteKeyGroup(int keyGroup, BinaryWriter writer, Checkpointing.StateCodecs codecs)
    {
        var keyCodec = codecs.For<TKey>();
        var valueCodec = codecs.For<TValue>();
        var first = (keyGroup - firstKeyGroup) * bucketsPerKeyGroup;
        for (var b = first; b < first + bucketsPerKeyGroup; b++)
        {
            if (buckets[b] is not { } bucket) continue;
            // One entry ahead: the next key and value load from memory while this entry is written.
            var entries = bucket.GetEnumerator();
            var more = entries.MoveNext();
            while (more)
            {
                var (key, value) = entries.Current;
                more = entries.MoveNext();
                if (more)
                {
                    CachePrefetch.Object(entries.Current.Key);
                    CachePrefetch.Object(entries.Current.Value);
                }

                keyCodec.Write(writer, key);
                valueCodec.Write(writer, value);
            }
        }
    }

    /// <summary>Releases the table's dictionaries, once; no entry may be read after it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) table.Release();
    }
}
