using System.Runtime.InteropServices;

namespace GrainFlow.Runtime.State;

/// <summary>Untyped view of a state table, for snapshots, inspection and tests.</summary>
internal interface IStateTable
{
    string Name { get; }

    long Count { get; }

    IEnumerable<(int KeyGroup, object Key, object? Value)> UntypedEntries { get; }

    /// <summary>Freezes the current contents in O(buckets); see <see cref="StateTable{TKey, TValue}.CaptureSnapshot"/>.</summary>
    IStateTableSnapshot CaptureUntypedSnapshot();

    /// <summary>
    /// Adds <paramref name="count"/> entries of key group <paramref name="keyGroup"/> read from a snapshot
    /// whose header recorded <paramref name="recordedCodecs"/> ("key codec|value codec") for this table.
    /// </summary>
    void RestoreEntries(int keyGroup, int count, BinaryReader reader, Checkpointing.StateCodecs codecs, string recordedCodecs);
}

/// <summary>
/// One named keyed state of one operator subtask. Entries live in buckets: each key group has
/// a power of two of dictionaries (<see cref="DefaultBucketsPerKeyGroup"/> unless the table says), so that
/// <list type="bullet">
/// <item>the state of a key group can be shipped and reassigned to another subtask as a unit when
/// parallelism changes, and</item>
/// <item>a snapshot is taken by sharing the bucket dictionaries (O(buckets), no entry is copied at
/// the barrier); the first write to a shared bucket afterwards copies that bucket alone
/// (copy-on-write), so a captured snapshot never changes and can be serialized on another thread
/// while processing goes on.</item>
/// </list>
/// More buckets copy less after a capture when few keys change between checkpoints; fewer buckets
/// touch less memory per lookup (a dictionary object, its bucket and entry arrays per bucket).
/// </summary>
internal sealed class StateTable<TKey, TValue> : IStateTable where TKey : notnull
{
    public const int DefaultBucketsPerKeyGroup = 16;

    private readonly Dictionary<TKey, TValue>?[] _buckets;
    // A bucket is shared while some snapshot holds the same dictionary; it must be copied before a write.
    private readonly bool[] _shared;
    private readonly int _firstKeyGroup;
    private readonly int _bucketsPerKeyGroup;
    // Null for the default comparer, which the dictionaries then devirtualize.
    private readonly IStateKeyComparer<TKey>? _comparer;

    public StateTable(string name, int firstKeyGroup, int keyGroupCount, IStateKeyComparer<TKey>? comparer = null, int bucketsPerKeyGroup = DefaultBucketsPerKeyGroup)
    {
        if (bucketsPerKeyGroup <= 0 || (bucketsPerKeyGroup & (bucketsPerKeyGroup - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bucketsPerKeyGroup), bucketsPerKeyGroup, "The buckets per key group must be a power of two.");
        }
        Name = name;
        _firstKeyGroup = firstKeyGroup;
        _comparer = comparer;
        _bucketsPerKeyGroup = bucketsPerKeyGroup;
        _buckets = new Dictionary<TKey, TValue>?[keyGroupCount * bucketsPerKeyGroup];
        _shared = new bool[_buckets.Length];
    }

    public string Name { get; }

    public long Count => _buckets.Sum(b => (long)(b?.Count ?? 0));

    /// <summary>Buckets still shared with a snapshot (each is copied on its next write).</summary>
    internal int SharedBuckets => _shared.Count(s => s);

    public bool TryGet(int groupIndex, TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value)
    {
        var bucket = _buckets[BucketOf(groupIndex, key)];
        if (bucket is not null) return bucket.TryGetValue(key, out value);
        value = default;
        return false;
    }

    public void Set(int groupIndex, TKey key, TValue value) => BucketForWrite(BucketOf(groupIndex, key))[key] = value;

    /// <summary>A reference to the slot of <paramref name="key"/>, added with a default value when missing: one hash lookup for read-modify-write.</summary>
    public ref TValue? GetValueRefOrAddDefault(int groupIndex, TKey key, out bool exists) =>
        ref CollectionsMarshal.GetValueRefOrAddDefault(BucketForWrite(BucketOf(groupIndex, key)), key, out exists);

    public bool Remove(int groupIndex, TKey key) => Remove(groupIndex, key, out _);

    /// <summary>Removes the entry of <paramref name="key"/> and returns its value: one hash lookup for take-and-check.</summary>
    public bool Remove(int groupIndex, TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value)
    {
        var index = BucketOf(groupIndex, key);
        if (_buckets[index] is not { } bucket)
        {
            value = default;
            return false;
        }
        // A shared bucket is copied only when there is something to remove from it.
        if (_shared[index] && !bucket.ContainsKey(key))
        {
            value = default;
            return false;
        }
        return BucketForWrite(index).Remove(key, out value);
    }

    public IEnumerable<(int KeyGroup, TKey Key, TValue Value)> Entries => Enumerate(_buckets, _firstKeyGroup, _bucketsPerKeyGroup);

    public IEnumerable<(int KeyGroup, object Key, object? Value)> UntypedEntries =>
        Entries.Select(e => (e.KeyGroup, (object)e.Key, (object?)e.Value));

    /// <summary>
    /// Captures the table as it is now without copying entries: the snapshot keeps the current bucket
    /// dictionaries, and this table copies a bucket before its next write. The snapshot may be read
    /// on any thread while the table keeps changing.
    /// </summary>
    public StateTableSnapshot<TKey, TValue> CaptureSnapshot()
    {
        var captured = new Dictionary<TKey, TValue>?[_buckets.Length];
        for (var i = 0; i < _buckets.Length; i++)
        {
            if (_buckets[i] is not { } bucket) continue;
            captured[i] = bucket;
            _shared[i] = true;
        }
        return new StateTableSnapshot<TKey, TValue>(Name, _firstKeyGroup, _bucketsPerKeyGroup, captured);
    }

    public IStateTableSnapshot CaptureUntypedSnapshot() => CaptureSnapshot();

    public void RestoreEntries(int keyGroup, int count, BinaryReader reader, Checkpointing.StateCodecs codecs, string recordedCodecs)
    {
        var separator = recordedCodecs.IndexOf('|');
        if (separator < 0) throw new InvalidDataException($"The snapshot records codecs '{recordedCodecs}' for state '{Name}', not 'key codec|value codec'.");
        var keyCodec = codecs.ForRecorded<TKey>(recordedCodecs[..separator]);
        var valueCodec = codecs.ForRecorded<TValue>(recordedCodecs[(separator + 1)..]);
        var groupIndex = keyGroup - _firstKeyGroup;
        for (var i = 0; i < count; i++)
        {
            var key = keyCodec.Read(reader);
            Set(groupIndex, key, valueCodec.Read(reader));
        }
    }

    internal static IEnumerable<(int KeyGroup, TKey Key, TValue Value)> Enumerate(Dictionary<TKey, TValue>?[] buckets, int firstKeyGroup, int bucketsPerKeyGroup)
    {
        for (var i = 0; i < buckets.Length; i++)
        {
            if (buckets[i] is not { } bucket) continue;
            foreach (var (key, value) in bucket) yield return (firstKeyGroup + i / bucketsPerKeyGroup, key, value);
        }
    }

    private int BucketOf(int groupIndex, TKey key) =>
        groupIndex * _bucketsPerKeyGroup + ((_comparer is null ? EqualityComparer<TKey>.Default.GetHashCode(key) : _comparer.BucketHash(key)) & (_bucketsPerKeyGroup - 1));

    private Dictionary<TKey, TValue> BucketForWrite(int index)
    {
        var bucket = _buckets[index];
        if (bucket is null) return _buckets[index] = new Dictionary<TKey, TValue>(_comparer);
        if (!_shared[index]) return bucket;
        _shared[index] = false;
        return _buckets[index] = new Dictionary<TKey, TValue>(bucket, _comparer);
    }
}
