using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>Every kind of keyed state of the RocksDB backend, per key and namespace, read and written in RocksDB.</summary>
[Trait("Category", "Unit")]
public sealed class RocksDbKeyedStateTests : IDisposable
{
    private readonly RocksDbTestBackends _backends = new();

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
