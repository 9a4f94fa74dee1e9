using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>Every kind of keyed state of the RocksDB backend, per key and namespace, read and written in RocksDB.</summary>
[Trait("Category", "Unit")]
public sealed class RocksDbKeyedStateTests : IDisposable
{
    private static readonly TestWindow W1 = new(0, 10), W2 = new(10, 20), W3 = new(20, 30);
    private readonly RocksDbTestBackends _backends = new();

    private sealed class Sum : IAggregateFunction<long, long, string>
    {
        public int Adds { get; private set; }

        public long CreateAccumulator() => 0;

        public long Add(long value, long accumulator)
        {
            Adds++;
            return accumulator + value;
        }

        public string GetResult(long accumulator) => $"sum {accumulator}";

        public long Merge(long a, long b) => a + b;
    }

    [Fact]
    public void EachStateKindIsScopedToTheCurrentKeyAndNamespace()
    {
        using var backend = _backends.Backend(0, 1);
        var value = backend.GetInternalValueState<TestWindow, string>(new ValueStateDescriptor<string>("value"));
        var list = backend.GetInternalListState<TestWindow, long>(new ListStateDescriptor<long>("list"));
        var reducing = backend.GetInternalReducingState<TestWindow, long>(new ReducingStateDescriptor<long>("max", Math.Max));
        var aggregating = backend.GetInternalAggregatingState<TestWindow, long, long, string>(new AggregatingStateDescriptor<long, long, string>("sum", new Sum()));
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
        map.Put("b", 2);
        map.Put("a", 10);

        foreach (var state in all) state.SetCurrentNamespace(W2);
        Assert.False(value.HasValue || reducing.HasValue || aggregating.HasValue || !map.IsEmpty || list.Get().Count > 0);
        reducing.Add(1);

        backend.SetCurrentKey(2);
        foreach (var state in all) state.SetCurrentNamespace(W1);
        Assert.False(value.HasValue || reducing.HasValue || aggregating.HasValue || !map.IsEmpty || list.Get().Count > 0);

        backend.SetCurrentKey(1);
        Assert.Equal("k1 w1", value.Value);
        Assert.Equal([5L, 3L], list.Get());
        Assert.Equal(5, reducing.Get());
        Assert.Equal("sum 8", aggregating.Get());
        Assert.True(map.TryGet("a", out var a) && a == 10);
        Assert.True(map.Contains("b") && !map.Contains("c"));
        Assert.Equal([("a", 10L), ("b", 2L)], map.Entries.Select(e => (e.Key, e.Value)).OrderBy(e => e.Key));
        Assert.True(map.Remove("b"));
        Assert.False(map.Remove("b"));
        Assert.Equal(["a"], map.Entries.Select(e => e.Key));

        foreach (var state in all) state.Clear();
        Assert.False(value.HasValue || reducing.HasValue || aggregating.HasValue || !map.IsEmpty || list.Get().Count > 0);
        reducing.SetCurrentNamespace(W2);
        Assert.Equal(1, reducing.Get()); // clearing one namespace leaves the others
    }

    [Fact]
    public void ListUpdateReplacesTheListAndAnEmptyUpdateClearsIt()
    {
        using var backend = _backends.Backend(0, 1);
        var list = backend.GetListState(new ListStateDescriptor<string>("names"));
        backend.SetCurrentKey(3);
        list.Add("x");
        list.Update(["a", "b", "c"]);
        Assert.Equal(["a", "b", "c"], list.Get());
        list.Add("d");
        Assert.Equal(["a", "b", "c", "d"], list.Get());
        list.Update([]);
        Assert.Empty(list.Get());
        Assert.Equal(0, backend.Tables.Single().Count);
    }

    [Fact]
    public void MergingNamespacesCombinesTheirEntriesIntoTheTargetAndRemovesTheSources()
    {
        using var backend = _backends.Backend(0, 1);
        var function = new Sum();
        var list = backend.GetInternalListState<TestWindow, long>(new ListStateDescriptor<long>("list"));
        var reducing = backend.GetInternalReducingState<TestWindow, long>(new ReducingStateDescriptor<long>("max", Math.Max));
        var aggregating = backend.GetInternalAggregatingState<TestWindow, long, long, string>(new AggregatingStateDescriptor<long, long, string>("sum", function));
        IInternalMergingState<TestWindow>[] all = [list, reducing, aggregating];
        backend.SetCurrentKey(7);
        foreach (var (window, values) in new[] { (W1, new long[] { 1, 2 }), (W2, new long[] { 10 }), (W3, new long[] { 100, 200 }) })
        {
            foreach (var state in all) state.SetCurrentNamespace(window);
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
        foreach (var state in all) state.MergeNamespaces(W2, [W1, W2, W3, new TestWindow(50, 60)]);

        foreach (var state in all) state.SetCurrentNamespace(W2);
        Assert.Equal([10L, 1, 2, 100, 200], list.Get());
        Assert.Equal(200, reducing.Get());
        Assert.Equal("sum 313", aggregating.Get());
        Assert.Equal(addsBefore, function.Adds); // merged, not recomputed from the elements
        foreach (var source in new[] { W1, W3 })
        {
            foreach (var state in all) state.SetCurrentNamespace(source);
            Assert.Empty(list.Get());
            Assert.False(reducing.HasValue || aggregating.HasValue);
        }
        backend.SetCurrentKey(8);
        aggregating.SetCurrentNamespace(W1);
        Assert.Equal("sum 1000", aggregating.Get());
    }

    [Fact]
    public void StateInTheVoidNamespaceIsKeptPerKeyAcrossKeyGroups()
    {
        using var backend = _backends.Backend(1, 2);
        var counts = backend.GetValueState(new ValueStateDescriptor<long>("count"));
        var keys = Enumerable.Range(0, 2_000).Select(i => (long)i).Where(k => backend.KeyGroups.Contains(GrainFlow.KeyGroups.KeyGroupAssignment.KeyGroupFor(k, KeyedStateCheckpoints.MaxParallelism))).ToList();
        foreach (var key in keys)
        {
            backend.SetCurrentKey(key);
            counts.Update(key * 3);
        }
        foreach (var key in keys)
        {
            backend.SetCurrentKey(key);
            Assert.Equal(key * 3, counts.Value);
        }
        Assert.Equal(keys.Count, backend.Tables.Single().Count);
        Assert.All(backend.Tables.Single().UntypedEntries, e => Assert.Equal((long)e.Key * 3, (long)e.Value!));
    }

    [Fact]
    public void AStateNameCannotBeUsedWithAndWithoutNamespacesAsAnotherKindOrForTimers()
    {
        using var backend = _backends.Backend(0, 1);
        backend.GetInternalListState<TestWindow, long>(new ListStateDescriptor<long>("contents"));
        Assert.Contains("'contents' was already registered", Assert.Throws<InvalidOperationException>(() => backend.GetListState(new ListStateDescriptor<long>("contents"))).Message);
        Assert.Throws<InvalidOperationException>(() => backend.GetInternalValueState<TestWindow, long>(new ValueStateDescriptor<long>("contents")));
        foreach (var reserved in new[] { "_timers", "_event_timers", "_timers[window-timers]" })
        {
            Assert.Contains("reserved for the timers", Assert.Throws<ArgumentException>(() => backend.GetInternalValueState<TestWindow, long>(new ValueStateDescriptor<long>(reserved))).Message);
        }
    }

    [Fact]
    public void AKeyOfAnotherSubtaskIsRefused()
    {
        using var backend = _backends.Backend(0, 2);
        var foreign = Enumerable.Range(0, 100).Select(i => (long)i)
            .First(k => !backend.KeyGroups.Contains(GrainFlow.KeyGroups.KeyGroupAssignment.KeyGroupFor(k, KeyedStateCheckpoints.MaxParallelism)));
        Assert.Contains("routed to the wrong subtask", Assert.Throws<InvalidOperationException>(() => backend.SetCurrentKey(foreign)).Message);
    }

    public void Dispose() => _backends.Dispose();
}
