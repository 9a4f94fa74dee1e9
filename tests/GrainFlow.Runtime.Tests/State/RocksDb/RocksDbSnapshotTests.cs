using System.Collections.Immutable;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.State;
using GrainFlow.Savepoints;
using static GrainFlow.Runtime.Tests.State.KeyedStateCheckpoints;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>
/// Snapshots of the RocksDB backend are the heap's format: same tables, codecs and entries, so state moves
/// heap → RocksDB → heap at any parallelism, and a capture keeps what it saw while the state changes.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RocksDbSnapshotTests : IDisposable
{
    private const string Timers = "_timers[window-timers]";
    private static readonly TestWindow W1 = new(0, 10), W2 = new(10, 20);
    private readonly RocksDbTestBackends _backends = new();

    private sealed class Sum : IAggregateFunction<long, long, long>
    {
        public long CreateAccumulator() => 0;

        public long Add(long value, long accumulator) => accumulator + value;

        public long GetResult(long accumulator) => accumulator;

        public long Merge(long a, long b) => a + b;
    }

    /// <summary>The states of a windowed operator and a user function, every kind, written the same way into any backend.</summary>
    internal sealed class States(IKeyedStateBackend<long> backend)
    {
        public IValueState<string> Value { get; } = backend.GetValueState(new ValueStateDescriptor<string>("value"));
        public IInternalListState<TestWindow, long> List { get; } = backend.GetInternalListState<TestWindow, long>(new ListStateDescriptor<long>("contents"));
        public IInternalReducingState<TestWindow, long> Reducing { get; } = backend.GetInternalReducingState<TestWindow, long>(new ReducingStateDescriptor<long>("max", Math.Max));
        public IAggregatingState<long, long> Aggregating { get; } = backend.GetAggregatingState(new AggregatingStateDescriptor<long, long, long>("sum", new Sum()));
        public IInternalMapState<TestWindow, string, long> Map { get; } = backend.GetInternalMapState<TestWindow, string, long>(new MapStateDescriptor<string, long>("map"));
        public IKeyGroupedTimerQueue<long, TestWindow> Timers { get; } = backend.CreateTimerQueue<TestWindow>(RocksDbSnapshotTests.Timers);

        public void Write(IKeyedStateBackend<long> backend, long key)
        {
            backend.SetCurrentKey(key);
            Value.Update($"value {key}");
            Aggregating.Add(key);
            Aggregating.Add(1);
            foreach (var window in new[] { W1, W2 }.Take(1 + (int)(key % 2)))
            {
                List.SetCurrentNamespace(window);
                List.Add(key);
                List.Add(window.Start);
                Reducing.SetCurrentNamespace(window);
                Reducing.Add(key + window.Start);
                Map.SetCurrentNamespace(window);
                Map.Put($"a{key}", key);
                Map.Put("b", window.End);
                Timers.Register(backend.CurrentGroupIndex, key, window, window.End + key);
            }
        }

        public void AssertHolds(IKeyedStateBackend<long> backend, long key)
        {
            backend.SetCurrentKey(key);
            Assert.Equal($"value {key}", Value.Value);
            Assert.Equal(key + 1, Aggregating.Get());
            foreach (var window in new[] { W1, W2 })
            {
                var present = window == W1 || key % 2 == 1;
                List.SetCurrentNamespace(window);
                Reducing.SetCurrentNamespace(window);
                Map.SetCurrentNamespace(window);
                Assert.Equal(present ? [key, window.Start] : Array.Empty<long>(), List.Get());
                Assert.Equal(present ? key + window.Start : 0, Reducing.Get());
                Assert.Equal(present ? [($"a{key}", key), ("b", window.End)] : Array.Empty<(string, long)>(), Map.Entries.Select(e => (e.Key, e.Value)).OrderBy(e => e.Key));
            }
        }
    }

    public static TheoryData<SavepointFormatType, int, int> Rescalings => new()
    {
        { SavepointFormatType.Canonical, 2, 5 },
        { SavepointFormatType.Native, 2, 5 },
        { SavepointFormatType.Canonical, 4, 1 },
        { SavepointFormatType.Native, 4, 1 },
    };

    [Theory]
    [MemberData(nameof(Rescalings))]
    public void HeapStateRestoresIntoRocksDbAtAnotherParallelism(SavepointFormatType format, int from, int to)
    {
        var heap = Enumerable.Range(0, from).Select(i => RocksDbTestBackends.Heap(i, from)).ToList();
        var heapStates = heap.Select(b => new States(b)).ToList();
        for (long key = 0; key < 300; key++) heapStates[heap.IndexOf(Owner(heap, key))].Write(Owner(heap, key), key);
        var snapshots = heap.Select(b => KeyedStateCheckpoints.Checkpoint(b, format)).ToArray();

        var rocks = Enumerable.Range(0, to).Select(i => _backends.Backend(i, to, snapshots)).ToList();
        var rocksStates = rocks.Select(b => new States(b)).ToList();

        for (long key = 0; key < 300; key++) rocksStates[rocks.IndexOf(Owner(rocks, key))].AssertHolds(Owner(rocks, key), key);
        AssertSameEntries(heap, rocks);
        Assert.Equal(300 + 150, rocksStates.Sum(s => s.Timers.Count));
    }

    [Theory]
    [MemberData(nameof(Rescalings))]
    public void RocksDbStateRestoresIntoTheHeapAtAnotherParallelism(SavepointFormatType format, int from, int to)
    {
        var rocks = Enumerable.Range(0, from).Select(i => _backends.Backend(i, from)).ToList();
        var rocksStates = rocks.Select(b => new States(b)).ToList();
        for (long key = 0; key < 300; key++) rocksStates[rocks.IndexOf(Owner(rocks, key))].Write(Owner(rocks, key), key);
        var snapshots = rocks.Select(b => KeyedStateCheckpoints.Checkpoint(b, format)).ToArray();

        var heap = Enumerable.Range(0, to).Select(i => RocksDbTestBackends.Heap(i, to, snapshots)).ToList();
        var heapStates = heap.Select(b => new States(b)).ToList();

        for (long key = 0; key < 300; key++) heapStates[heap.IndexOf(Owner(heap, key))].AssertHolds(Owner(heap, key), key);
        AssertSameEntries(rocks, heap);
        Assert.Equal(300 + 150, heapStates.Sum(s => s.Timers.Count));
    }

    [Fact]
    public void ASnapshotRecordsTheSameTablesAndCodecsAsTheHeapsInBothFormats()
    {
        var heap = RocksDbTestBackends.Heap(0, 1);
        using var rocks = _backends.Backend(0, 1);
        _ = new States(heap);
        _ = new States(rocks);
        foreach (var format in new[] { SavepointFormatType.Native, SavepointFormatType.Canonical })
        {
            var codecs = Codecs.In(format);
            Assert.Equal(
                heap.CaptureSnapshot().Select(s => (s.Name, s.Codecs(codecs))).OrderBy(s => s.Name, StringComparer.Ordinal),
                rocks.CaptureSnapshot().Select(s => (s.Name, s.Codecs(codecs))).OrderBy(s => s.Name, StringComparer.Ordinal));
        }
    }

    [Fact]
    public void ACaptureKeepsWhatItSawWhileTheStateChanges()
    {
        using var rocks = _backends.Backend(0, 1);
        var states = new States(rocks);
        for (long key = 0; key < 50; key++) states.Write(rocks, key);
        var captured = rocks.CaptureSnapshot();
        var expected = Entries(captured);

        for (long key = 0; key < 50; key++)
        {
            rocks.SetCurrentKey(key);
            states.Value.Update("changed");
            states.List.SetCurrentNamespace(W1);
            states.List.Clear();
            states.Map.SetCurrentNamespace(W1);
            states.Map.Put("c", -1);
            states.Timers.Register(rocks.CurrentGroupIndex, key, W1, 7);
        }
        for (long key = 50; key < 80; key++) states.Write(rocks, key);
        while (states.Timers.TryTakeDue(long.MaxValue, out _)) { }

        Assert.Equal(expected, Entries(captured));
        // ... and writes what it saw: restored elsewhere, the state is as of the capture.
        var restored = RocksDbTestBackends.Heap(0, 1, RestoredFrom(captured, rocks.KeyGroups));
        var restoredStates = new States(restored);
        for (long key = 0; key < 50; key++) restoredStates.AssertHolds(restored, key);
        Assert.Equal(50 + 25, restoredStates.Timers.Count);
    }

    [Fact]
    public void ACaptureWrittenAfterTheBackendClosedFailsClearlyInsteadOfReadingAClosedDatabase()
    {
        var rocks = _backends.Backend(0, 1);
        var states = new States(rocks);
        states.Write(rocks, 1);
        var captured = rocks.CaptureSnapshot();
        rocks.Dispose();

        var error = Assert.Throws<ObjectDisposedException>(() => RestoredFrom(captured, rocks.KeyGroups));
        Assert.Contains("closed while a snapshot of it was still being written", error.Message);
    }

    [Fact]
    public void DisposingEveryTableOfACaptureReleasesItsRocksDbSnapshotAndItCannotBeReadAfterwards()
    {
        using var rocks = _backends.Backend(0, 1);
        var states = new States(rocks);
        states.Write(rocks, 1);
        var first = rocks.CaptureSnapshot();
        var second = rocks.CaptureSnapshot();
        Assert.Equal(2, rocks.Instance.OpenSnapshots);

        foreach (var table in first.Take(first.Count - 1)) ((IDisposable)table).Dispose();
        Assert.Equal(2, rocks.Instance.OpenSnapshots); // one table of the capture still reads it
        ((IDisposable)first[^1]).Dispose();
        Assert.Equal(1, rocks.Instance.OpenSnapshots);

        Assert.Contains("was disposed", Assert.Throws<ObjectDisposedException>(() => first[0].CountIn(rocks.CurrentKeyGroup)).Message);
        Assert.Equal(1, second.Single(t => t.Name == "value").CountIn(rocks.CurrentKeyGroup));
    }

    private static RestoredKeyedState RestoredFrom(IReadOnlyList<IStateTableSnapshot> captured, KeyGroupRange range)
    {
        var (data, offsets) = GrainFlow.Runtime.Checkpointing.KeyedStateFormat.Write(captured, range, Codecs);
        return new RestoredKeyedState(data, offsets, Codecs);
    }

    internal static void AssertSameEntries(IEnumerable<IKeyedStateBackend<long>> expected, IEnumerable<IKeyedStateBackend<long>> actual) =>
        Assert.Equal(Entries(expected.SelectMany(b => b.CaptureSnapshot())), Entries(actual.SelectMany(b => b.CaptureSnapshot())));

    /// <summary>Every entry of every table, as text (maps and lists by their contents), sorted: comparable across backends.</summary>
    private static List<string> Entries(IEnumerable<IStateTableSnapshot> tables) =>
        tables.SelectMany(t => t.UntypedEntries.Select(e => $"{t.Name} {e.KeyGroup} {e.Key} {Show(e.Value)}")).Order(StringComparer.Ordinal).ToList();

    private static string Show(object? value) => value switch
    {
        ImmutableDictionary<string, long> map => string.Join(",", map.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}")),
        ImmutableList<long> list => string.Join(",", list),
        ImmutableArray<long> times => string.Join(",", times),
        _ => $"{value}",
    };

    public void Dispose() => _backends.Dispose();
}
