using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.State;
using GrainFlow.Savepoints;
using static GrainFlow.Runtime.Tests.State.KeyedStateCheckpoints;

namespace GrainFlow.Runtime.Tests.State;

/// <summary>Keyed state in namespaces (windows), on every backend (<see cref="StateBackendsUnderTest"/>): scoped per key and namespace, merged without recomputing, captured copy-on-write, written and redistributed per key group.</summary>
[Trait("Category", "Unit")]
public sealed class NamespacedStateTests
{
    private static readonly TestWindow W1 = new(0, 10), W2 = new(10, 20), W3 = new(20, 30);

    /// <summary>Sums longs; counts its calls, so a test can tell merged accumulators from recomputed ones.</summary>
    private sealed class CountingSum : IAggregateFunction<long, long, string>
    {
        public int Adds { get; private set; }

        public int Merges { get; private set; }

        public long CreateAccumulator() => 0;

        public long Add(long value, long accumulator)
        {
            Adds++;
            return accumulator + value;
        }

        public string GetResult(long accumulator) => $"sum {accumulator}";

        public long Merge(long a, long b)
        {
            Merges++;
            return a + b;
        }
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void EachStateKindIsScopedToTheCurrentKeyAndNamespace(string type)
    {
        using var backend = Backend(type, 0, 1);
        var value = backend.GetInternalValueState<TestWindow, string>(new ValueStateDescriptor<string>("value"));
        var list = backend.GetInternalListState<TestWindow, long>(new ListStateDescriptor<long>("list"));
        var reducing = backend.GetInternalReducingState<TestWindow, long>(new ReducingStateDescriptor<long>("max", Math.Max));
        var aggregating = backend.GetInternalAggregatingState<TestWindow, long, long, string>(new AggregatingStateDescriptor<long, long, string>("sum", new CountingSum()));
        var map = backend.GetInternalMapState<TestWindow, string, long>(new MapStateDescriptor<string, long>("map"));
        IInternalKvState<TestWindow>[] all = [value, list, reducing, aggregating, map];

        backend.SetCurrentKey(1);
        foreach (var state in all) state.SetCurrentNamespace(W1);
        value.Update("k1 w1");
        list.Add(5);
        list.Add(3);
        reducing.Add(5);
        reducing.Add(3);
        aggregating.Add(5);
        aggregating.Add(3);
        map.Put("a", 1);

        foreach (var state in all) state.SetCurrentNamespace(W2);
        Assert.False(value.HasValue);
        Assert.Empty(list.Get());
        Assert.False(reducing.HasValue);
        Assert.Equal(0, reducing.Get());
        Assert.Null(aggregating.Get());
        Assert.True(map.IsEmpty);
        reducing.Add(1);

        backend.SetCurrentKey(2);
        foreach (var state in all) state.SetCurrentNamespace(W1);
        Assert.False(value.HasValue || reducing.HasValue || aggregating.HasValue || !map.IsEmpty || list.Get().Count > 0);

        backend.SetCurrentKey(1);
        Assert.Equal("k1 w1", value.Value);
        Assert.Equal([5L, 3L], list.Get());
        Assert.Equal(5, reducing.Get());
        Assert.Equal("sum 8", aggregating.Get());
        Assert.True(map.TryGet("a", out var a) && a == 1);

        foreach (var state in all) state.Clear();
        Assert.False(value.HasValue || reducing.HasValue || aggregating.HasValue || !map.IsEmpty || list.Get().Count > 0);
        reducing.SetCurrentNamespace(W2);
        Assert.Equal(1, reducing.Get()); // clearing one namespace leaves the others
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void MergingNamespacesCombinesTheirEntriesIntoTheTargetAndRemovesTheSources(string type)
    {
        using var backend = Backend(type, 0, 1);
        var function = new CountingSum();
        var list = backend.GetInternalListState<TestWindow, long>(new ListStateDescriptor<long>("list"));
        var reducing = backend.GetInternalReducingState<TestWindow, long>(new ReducingStateDescriptor<long>("max", Math.Max));
        var aggregating = backend.GetInternalAggregatingState<TestWindow, long, long, string>(new AggregatingStateDescriptor<long, long, string>("sum", function));
        IInternalMergingState<TestWindow>[] all = [list, reducing, aggregating];
        backend.SetCurrentKey(7);
        foreach (var (window, values) in new[] { (W1, new long[] { 1, 2 }), (W2, new long[] { 10 }), (W3, new long[] { 100, 200 }) })
        {
            list.SetCurrentNamespace(window);
            reducing.SetCurrentNamespace(window);
            aggregating.SetCurrentNamespace(window);
            foreach (var v in values)
            {
                list.Add(v);
                reducing.Add(v);
                aggregating.Add(v);
            }
        }
        backend.SetCurrentKey(8);
        aggregating.SetCurrentNamespace(W1);
        aggregating.Add(1_000);
        var addsBefore = function.Adds;

        backend.SetCurrentKey(7);
        // The target among the sources is skipped; a source without an entry is fine.
        foreach (var state in all) state.MergeNamespaces(W2, [W1, W2, W3, new TestWindow(50, 60)]);

        foreach (var state in all) state.SetCurrentNamespace(W2);
        Assert.Equal([10L, 1, 2, 100, 200], list.Get());
        Assert.Equal(200, reducing.Get());
        Assert.Equal("sum 313", aggregating.Get());
        Assert.Equal(addsBefore, function.Adds); // merged, not recomputed from the elements
        Assert.Equal(2, function.Merges);
        foreach (var source in new[] { W1, W3 })
        {
            foreach (var state in all) state.SetCurrentNamespace(source);
            Assert.Empty(list.Get());
            Assert.False(reducing.HasValue);
            Assert.False(aggregating.HasValue);
        }

        // Merging into a namespace without an entry creates it; another key's state is untouched.
        aggregating.SetCurrentNamespace(W1);
        aggregating.MergeNamespaces(W1, [W2]);
        Assert.Equal("sum 313", aggregating.Get());
        backend.SetCurrentKey(8);
        Assert.Equal("sum 1000", aggregating.Get());
    }

    public static IEnumerable<object[]> RescalingCases => StateBackendsUnderTest.With([SavepointFormatType.Native, 2, 3], [SavepointFormatType.Canonical, 3, 1]);

    [Theory]
    [MemberData(nameof(RescalingCases))]
    public void NamespacedEntriesAreWrittenPerKeyGroupAndRestoredWhereTheirKeyGoesAtAnotherParallelism(string type, SavepointFormatType format, int from, int to)
    {
        var before = Enumerable.Range(0, from).Select(i => Backend(type, i, from)).ToList();
        for (long key = 0; key < 300; key++)
        {
            var backend = Owner(before, key);
            backend.SetCurrentKey(key);
            var list = backend.GetInternalListState<TestWindow, long>(new ListStateDescriptor<long>("contents"));
            var windows = backend.GetValueState(new ValueStateDescriptor<string>("merging-windows")); // the void namespace beside
            windows.Update($"windows of {key}");
            foreach (var window in new[] { W1, W2 }.Take(1 + (int)(key % 2)))
            {
                list.SetCurrentNamespace(window);
                list.Add(key);
                list.Add(window.Start);
            }
        }
        var checkpoints = before.Select(b => Checkpoint(b, format)).ToArray();
        var codecs = before[0].CaptureSnapshot().Single(s => s.Name == "contents").Codecs(Codecs.In(format));
        var keyCodec = codecs[..codecs.IndexOf('|')];
        Assert.True(StateCodecNames.TrySplitNamespaced(keyCodec, out var recordKey, out var recordNamespace));
        Assert.Equal("long", recordKey);
        Assert.Equal(format == SavepointFormatType.Canonical ? StateCodecNames.Json(typeof(TestWindow)) : $"orleans:{typeof(TestWindow).FullName}", recordNamespace);

        var after = Enumerable.Range(0, to).Select(i => Backend(type, i, to, checkpoints)).ToList();
        var restoredLists = after.Select(b => b.GetInternalListState<TestWindow, long>(new ListStateDescriptor<long>("contents"))).ToList();
        var restoredWindows = after.Select(b => b.GetValueState(new ValueStateDescriptor<string>("merging-windows"))).ToList();
        Assert.Equal(300 + 150, after.Sum(b => b.Tables.Single(t => t.Name == "contents").Count));
        for (var i = 0; i < to; i++)
        {
            Assert.All(after[i].Tables.SelectMany(t => t.UntypedEntries), e => Assert.True(after[i].KeyGroups.Contains(e.KeyGroup)));
        }
        for (long key = 0; key < 300; key++)
        {
            var index = after.IndexOf(Owner(after, key));
            after[index].SetCurrentKey(key);
            Assert.Equal($"windows of {key}", restoredWindows[index].Value);
            restoredLists[index].SetCurrentNamespace(W1);
            Assert.Equal([key, 0L], restoredLists[index].Get());
            restoredLists[index].SetCurrentNamespace(W2);
            IEnumerable<long> inW2 = key % 2 == 1 ? [key, 10L] : [];
            Assert.Equal(inW2, restoredLists[index].Get());
        }
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void ASnapshotOfNamespacedStateKeepsWhatItCapturedWhileTheStateChanges(string type)
    {
        using var backend = Backend(type, 0, 1);
        var reducing = backend.GetInternalReducingState<TestWindow, long>(new ReducingStateDescriptor<long>("sum", (a, b) => a + b));
        backend.SetCurrentKey(1);
        reducing.SetCurrentNamespace(W1);
        reducing.Add(1);
        reducing.SetCurrentNamespace(W2);
        reducing.Add(2);

        var captured = backend.CaptureSnapshot().Single();
        reducing.Add(40);
        reducing.MergeNamespaces(W3, [W1, W2]);

        Assert.Equal([(W1, 1L), (W2, 2L)], captured.UntypedEntries.Select(e => (((NamespacedKey<long, TestWindow>)e.Key).Namespace, (long)e.Value!)).OrderBy(e => e.Item1.Start));
        reducing.SetCurrentNamespace(W3);
        Assert.Equal(43, reducing.Get());
    }

    [Fact]
    public void OnTheHeapWindowsSharedByEveryKeyAreBucketedByWindowAndOtherNamespacesStayInOneDictionaryPerKeyGroup()
    {
        var sessions = new HeapKeyedStateBackend<long>(new GrainFlow.KeyGroups.KeyGroupRange(0, 0), 1);
        var sessionSums = sessions.GetInternalReducingState<TestWindow, long>(new ReducingStateDescriptor<long>("sum", (a, b) => a + b));
        for (var key = 0L; key < 1_000; key++)
        {
            sessions.SetCurrentKey(key);
            sessionSums.SetCurrentNamespace(new TestWindow(key, key + 10));
            sessionSums.Add(key);
        }
        Assert.Equal(1, ((StateTable<NamespacedKey<long, TestWindow>, long>)sessions.Tables.Single()).BucketsInUse(0));

        var backend = new HeapKeyedStateBackend<long>(new GrainFlow.KeyGroups.KeyGroupRange(0, 0), 1) { NamespacesSharedByKeys = true };
        var sums = backend.GetInternalReducingState<TestWindow, long>(new ReducingStateDescriptor<long>("sum", (a, b) => a + b));
        var table = (StateTable<NamespacedKey<long, TestWindow>, long>)backend.Tables.Single();
        var windows = Enumerable.Range(0, 4).Select(i => new TestWindow(i * 10, i * 10 + 10)).ToArray();

        for (var key = 0L; key < 1_000; key++)
        {
            backend.SetCurrentKey(key);
            sums.SetCurrentNamespace(windows[0]);
            sums.Add(key);
        }
        Assert.Equal(1, table.BucketsInUse(0));

        foreach (var window in windows.Skip(1))
        {
            for (var key = 0L; key < 1_000; key++)
            {
                backend.SetCurrentKey(key);
                sums.SetCurrentNamespace(window);
                sums.Add(1);
            }
        }
        Assert.InRange(table.BucketsInUse(0), 2, windows.Length);
        backend.SetCurrentKey(999);
        sums.SetCurrentNamespace(windows[0]);
        Assert.Equal(999, sums.Get());
        sums.SetCurrentNamespace(windows[3]);
        Assert.Equal(1, sums.Get());
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void AStateNameCannotBeUsedWithAndWithoutNamespacesOrForTimers(string type)
    {
        using var backend = Backend(type, 0, 1);
        backend.GetInternalListState<TestWindow, long>(new ListStateDescriptor<long>("contents"));
        var error = Assert.Throws<InvalidOperationException>(() => backend.GetListState(new ListStateDescriptor<long>("contents")));
        Assert.Contains("'contents' was already registered", error.Message);
        foreach (var reserved in new[] { "_timers", "_event_timers", "_timers[window-timers]" })
        {
            var taken = Assert.Throws<ArgumentException>(() => backend.GetInternalValueState<TestWindow, long>(new ValueStateDescriptor<long>(reserved)));
            Assert.Contains("reserved for the timers", taken.Message);
            Assert.Throws<ArgumentException>(() => backend.GetMapState(new MapStateDescriptor<long, long>(reserved)));
        }
    }
}
