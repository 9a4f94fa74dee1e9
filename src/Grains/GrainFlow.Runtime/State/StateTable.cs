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
/// the barrier), and a captured snapshot never changes, so it can be serialized on another thread
/// while processing goes on.</item>
/// </list>
/// While a snapshot still reads a bucket, writes to it go to the bucket's overlay: the new value of each
/// key written since the capture, or that it was removed. Reads look there first. Once every snapshot was
/// released (disposed after it was written), the next access to the bucket folds its overlay into the
/// dictionary in place. So a checkpoint copies only the entries written while it is being written, not
/// whole buckets: where nearly every bucket changes within seconds (a million users), copying every
/// bucket after each capture doubled the state's memory for a while and made the garbage collector
/// promote all of it, the largest cost of a checkpoint (docs/BENCHMARKS.md). A capture while an earlier
/// snapshot is still unreleased copies the buckets that have an overlay (the earlier snapshot keeps their
/// dictionaries); a snapshot never released only keeps its buckets in overlay mode until the next capture.
/// More buckets touch less per fold; fewer buckets touch less memory per lookup (a dictionary object,
/// its bucket and entry arrays per bucket).
/// </summary>
internal sealed class StateTable<TKey, TValue> : IStateTable, ISnapshotReleaseTarget where TKey : notnull
{
    public const int DefaultBucketsPerKeyGroup = 16;

    private readonly Dictionary<TKey, TValue>?[] _buckets;
    // A bucket is shared while some snapshot may read its dictionary: writes then go to its overlay.
    private readonly bool[] _shared;
    // Per shared bucket, what was written to it since the capture (null: nothing yet).
    private readonly Dictionary<TKey, Overlaid>?[] _overlays;
    // Snapshots captured and not released yet; released on the thread that wrote them.
    private int _unreleasedSnapshots;
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
        _overlays = new Dictionary<TKey, Overlaid>?[_buckets.Length];
    }

    public string Name { get; }

    public long Count
    {
        get
        {
            var count = 0L;
            for (var i = 0; i < _buckets.Length; i++)
            {
                count += _buckets[i]?.Count ?? 0;
                if (_overlays[i] is not { } overlay) continue;
                // A removal is recorded only for a key the dictionary holds.
                foreach (var (key, written) in overlay) count += written.Removed ? -1 : _buckets[i]!.ContainsKey(key) ? 0 : 1;
            }
            return count;
        }
    }

    /// <summary>Buckets a snapshot may still read (writes to them go to their overlays).</summary>
    internal int SharedBuckets => _shared.Count(s => s);

    /// <summary>How many of key group <paramref name="groupIndex"/>'s buckets hold entries (how its state is spread, for tests).</summary>
    internal int BucketsInUse(int groupIndex) =>
        _buckets.AsSpan(groupIndex * _bucketsPerKeyGroup, _bucketsPerKeyGroup).ToArray().Count(b => b is { Count: > 0 });

    /// <summary>Entries written to buckets while a snapshot read them, not folded back yet.</summary>
    internal int OverlaidEntries => _overlays.Sum(o => o?.Count ?? 0);

    public bool TryGet(int groupIndex, TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value)
    {
        var index = BucketOf(groupIndex, key);
        if (_shared[index] && _overlays[index] is { } overlay && overlay.TryGetValue(key, out var written))
        {
            value = written.Value;
            return !written.Removed;
        }
        var bucket = _buckets[index];
        if (bucket is not null) return bucket.TryGetValue(key, out value);
        value = default;
        return false;
    }

    public void Set(int groupIndex, TKey key, TValue value)
    {
        var index = BucketOf(groupIndex, key);
        if (IsReadBySnapshot(index)) OverlayOf(index)[key] = new Overlaid { Value = value };
        else BucketForWrite(index)[key] = value;
    }

    /// <summary>A reference to the slot of <paramref name="key"/>, added with a default value when missing: one hash lookup for read-modify-write.</summary>
    public ref TValue? GetValueRefOrAddDefault(int groupIndex, TKey key, out bool exists)
    {
        var index = BucketOf(groupIndex, key);
        if (!IsReadBySnapshot(index)) return ref CollectionsMarshal.GetValueRefOrAddDefault(BucketForWrite(index), key, out exists)!;
        ref var written = ref CollectionsMarshal.GetValueRefOrAddDefault(OverlayOf(index), key, out var overlaid);
        if (overlaid)
        {
            exists = !written.Removed;
            if (!exists) written = default;
        }
        else
        {
            // The first write of this key since the capture starts from the captured value, if any.
            exists = _buckets[index]!.TryGetValue(key, out var captured);
            written.Value = captured!;
        }
        return ref written.Value!;
    }

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
        if (!IsReadBySnapshot(index)) return bucket.Remove(key, out value);
        var inBucket = bucket.TryGetValue(key, out var captured);
        if (_overlays[index] is { } overlay && overlay.Remove(key, out var written))
        {
            // Written since the capture: the overlay's value is the current one.
            if (inBucket) overlay[key] = new Overlaid { Removed = true };
            value = written.Value;
            return !written.Removed;
        }
        if (!inBucket)
        {
            value = default;
            return false;
        }
        OverlayOf(index)[key] = new Overlaid { Removed = true };
        value = captured!;
        return true;
    }

    public IEnumerable<(int KeyGroup, TKey Key, TValue Value)> Entries
    {
        get
        {
            for (var i = 0; i < _buckets.Length; i++)
            {
                if (_buckets[i] is not { } bucket) continue;
                var keyGroup = _firstKeyGroup + (i / _bucketsPerKeyGroup);
                var overlay = _overlays[i];
                foreach (var (key, value) in bucket)
                {
                    if (overlay is null || !overlay.ContainsKey(key)) yield return (keyGroup, key, value);
                }
                if (overlay is null) continue;
                foreach (var (key, written) in overlay)
                {
                    if (!written.Removed) yield return (keyGroup, key, written.Value);
                }
            }
        }
    }

    public IEnumerable<(int KeyGroup, object Key, object? Value)> UntypedEntries =>
        Entries.Select(e => (e.KeyGroup, (object)e.Key, (object?)e.Value));

    /// <summary>
    /// Captures the table as it is now without copying entries: the snapshot keeps the current bucket
    /// dictionaries, and this table copies a bucket before its next write. The snapshot may be read
    /// on any thread while the table keeps changing.
    /// </summary>
    public StateTableSnapshot<TKey, TValue> CaptureSnapshot()
    {
        // Read once: a release meanwhile only means a bucket is copied that could have been folded.
        var earlierSnapshotsReleased = Volatile.Read(ref _unreleasedSnapshots) == 0;
        var captured = new Dictionary<TKey, TValue>?[_buckets.Length];
        for (var i = 0; i < _buckets.Length; i++)
        {
            if (_overlays[i] is not null)
            {
                if (earlierSnapshotsReleased) Fold(i);
                else _buckets[i] = CopyWithOverlay(i);
            }
            // An emptied dictionary stays in place (a window's bucket empties when the window fires): the
            // snapshot has nothing to read there, so writes to it need not go to an overlay.
            if (_buckets[i] is not { Count: > 0 } bucket) continue;
            captured[i] = bucket;
            _shared[i] = true;
        }
        Interlocked.Increment(ref _unreleasedSnapshots);
        return new StateTableSnapshot<TKey, TValue>(Name, _firstKeyGroup, _bucketsPerKeyGroup, captured, this);
    }

    void ISnapshotReleaseTarget.Release() => Interlocked.Decrement(ref _unreleasedSnapshots);

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

    /// <summary>
    /// True while a snapshot may read bucket <paramref name="index"/>'s dictionary (write to its overlay then);
    /// once every snapshot was released, folds the overlay into the dictionary and returns false.
    /// </summary>
    private bool IsReadBySnapshot(int index)
    {
        if (!_shared[index]) return false;
        if (Volatile.Read(ref _unreleasedSnapshots) > 0) return true;
        Fold(index);
        return false;
    }

    /// <summary>Writes bucket <paramref name="index"/>'s overlay into its dictionary (no snapshot reads it any more).</summary>
    private void Fold(int index)
    {
        if (_overlays[index] is { } overlay)
        {
            Apply(overlay, _buckets[index]!);
            _overlays[index] = null;
        }
        _shared[index] = false;
    }

    /// <summary>A new dictionary with bucket <paramref name="index"/>'s entries and its overlay's writes; an unreleased snapshot keeps the old one.</summary>
    private Dictionary<TKey, TValue> CopyWithOverlay(int index)
    {
        var copy = new Dictionary<TKey, TValue>(_buckets[index]!, _comparer);
        Apply(_overlays[index]!, copy);
        _overlays[index] = null;
        return copy;
    }

    private static void Apply(Dictionary<TKey, Overlaid> overlay, Dictionary<TKey, TValue> bucket)
    {
        foreach (var (key, written) in overlay)
        {
            if (written.Removed) bucket.Remove(key);
            else bucket[key] = written.Value;
        }
    }

    private Dictionary<TKey, Overlaid> OverlayOf(int index) => _overlays[index] ??= new Dictionary<TKey, Overlaid>(_comparer);

    private Dictionary<TKey, TValue> BucketForWrite(int index) => _buckets[index] ??= new Dictionary<TKey, TValue>(_comparer);

    /// <summary>A key's value written since the capture, or its removal (a removal is recorded only for a key the dictionary holds).</summary>
    private struct Overlaid
    {
        public TValue Value;
        public bool Removed;
    }
}
