using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.State;
using static GrainFlow.Runtime.Tests.State.KeyedStateCheckpoints;

namespace GrainFlow.Runtime.Tests.State;

/// <summary>
/// Keyed state of every backend (<see cref="StateBackendsUnderTest"/>): scoped per key, confined to the
/// subtask's key groups, snapshots frozen at capture; and the heap's copy-on-write state table.
/// </summary>
[Trait("Category", "Unit")]
public sealed class KeyedStateBackendTests
{
    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void ValueMapAndListStateAreScopedToTheCurrentKey(string type)
    {
        using var backend = Backend(type, 0, 1);
        var value = backend.GetValueState(new ValueStateDescriptor<string>("v"));
        var map = backend.GetMapState(new MapStateDescriptor<string, int>("m"));
        var list = backend.GetListState(new ListStateDescriptor<int>("l"));

        backend.SetCurrentKey(1);
        value.Update("one");
        map.Put("a", 1);
        list.Add(10);
        list.Add(11);
        backend.SetCurrentKey(2);
        Assert.False(value.HasValue);
        Assert.True(map.IsEmpty);
        Assert.Empty(list.Get());
        value.Update("two");

        backend.SetCurrentKey(1);
        Assert.Equal("one", value.Value);
        Assert.True(map.TryGet("a", out var a) && a == 1);
        Assert.Equal([10, 11], list.Get());
        Assert.True(map.Remove("a"));
        Assert.True(map.IsEmpty);
        value.Clear();
        Assert.False(value.HasValue);
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void AKeyOutsideTheSubtasksKeyGroupsIsRejected(string type)
    {
        using var backend = Backend(type, 0, 2);
        var foreignKey = Enumerable.Range(0, 1000).Select(i => (long)i).First(k => KeyGroupAssignment.SubtaskForKey(k, 2, MaxParallelism) == 1);
        var error = Assert.Throws<InvalidOperationException>(() => backend.SetCurrentKey(foreignKey));
        Assert.Contains("routed to the wrong subtask", error.Message);
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void ASnapshotKeepsTheValuesOfTheMomentItWasTakenWhateverHappensAfter(string type)
    {
        using var backend = Backend(type, 0, 1);
        var value = backend.GetValueState(new ValueStateDescriptor<long>("v"));
        var map = backend.GetMapState(new MapStateDescriptor<string, long>("m"));
        var list = backend.GetListState(new ListStateDescriptor<long>("l"));
        for (long k = 0; k < 1000; k++)
        {
            backend.SetCurrentKey(k);
            value.Update(k);
            map.Put("x", k);
            list.Add(k);
        }

        var snapshot = backend.CaptureSnapshot().ToDictionary(s => s.Name);
        for (long k = 0; k < 1000; k++)
        {
            backend.SetCurrentKey(k);
            if (k % 2 == 0) value.Clear();
            else value.Update(-k);
            map.Put("x", -k);
            map.Put("y", 1);
            list.Add(-k);
        }
        backend.SetCurrentKey(5000);
        value.Update(5000);

        var values = snapshot["v"].UntypedEntries.ToDictionary(e => (long)e.Key, e => (long)e.Value!);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), values.Keys.Order());
        Assert.All(values, e => Assert.Equal(e.Key, e.Value));
        Assert.All(snapshot["m"].UntypedEntries, e => Assert.Equal(["x"], ((IEnumerable<KeyValuePair<string, long>>)e.Value!).Select(p => p.Key)));
        Assert.All(snapshot["l"].UntypedEntries, e => Assert.Single((IEnumerable<long>)e.Value!));
    }

    [Fact]
    public void TakingASnapshotCopiesNoEntryAndAWriteMeanwhileGoesToItsBucketsOverlayUntilTheSnapshotIsReleased()
    {
        var table = new StateTable<long, long>("t", 0, 128);
        for (long k = 0; k < 10_000; k++) table.Set(KeyGroupAssignment.KeyGroupFor(k, 128), k, k);
        Assert.Equal(0, table.SharedBuckets);

        var snapshot = table.CaptureSnapshot();
        var shared = table.SharedBuckets;
        Assert.True(shared > 1000, $"{shared} buckets shared");
        var group = KeyGroupAssignment.KeyGroupFor(7L, 128);
        table.Set(group, 7, -7);
        Assert.Equal((shared, 1), (table.SharedBuckets, table.OverlaidEntries));
        Assert.Equal(7, snapshot.Entries.Single(e => e.Key == 7).Value);
        Assert.True(table.TryGet(group, 7, out var current) && current == -7);

        snapshot.Dispose();
        table.Set(group, 7, -8);

        Assert.Equal((shared - 1, 0), (table.SharedBuckets, table.OverlaidEntries));
        Assert.True(table.TryGet(group, 7, out current) && current == -8);
    }

    [Fact]
    public void ACaptureLeavesEmptiedBucketsUnsharedSoWritesToThemGoStraightToTheirDictionaries()
    {
        var table = new StateTable<long, long>("t", 0, 128);
        var group = KeyGroupAssignment.KeyGroupFor(7L, 128);
        table.Set(group, 7, 7);
        table.Remove(group, 7);

        using var snapshot = table.CaptureSnapshot();
        table.Set(group, 7, -7);

        Assert.Equal((0, 0), (table.SharedBuckets, table.OverlaidEntries));
        Assert.Empty(snapshot.Entries);
        Assert.Equal(0, snapshot.CountIn(group));
        Assert.True(table.TryGet(group, 7, out var current) && current == -7);
    }

    [Fact]
    public void ATableWithOneBucketPerKeyGroupSharesEveryKeyGroupAtACaptureAndWritesEachKeyGroupApart()
    {
        var table = new StateTable<long, long>("t", 0, 128, bucketsPerKeyGroup: 1);
        for (long k = 0; k < 10_000; k++) table.Set(KeyGroupAssignment.KeyGroupFor(k, 128), k, k);

        var snapshot = table.CaptureSnapshot();
        Assert.Equal(128, table.SharedBuckets);
        var group = KeyGroupAssignment.KeyGroupFor(7L, 128);
        table.Set(group, 7, -7);
        Assert.Equal(7, snapshot.Entries.Single(e => e.Key == 7).Value);
        Assert.Equal(Enumerable.Range(0, 10_000).Count(k => KeyGroupAssignment.KeyGroupFor((long)k, 128) == group), snapshot.CountIn(group));
        Assert.All(snapshot.Entries, e => Assert.Equal(KeyGroupAssignment.KeyGroupFor(e.Key, 128), e.KeyGroup));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new StateTable<long, long>("t", 0, 128, bucketsPerKeyGroup: 3));
        Assert.Contains("power of two", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASnapshotCanBeReadOnAnotherThreadWhileTheTableKeepsChanging()
    {
        var table = new StateTable<long, long>("t", 0, 128);
        for (long k = 0; k < 50_000; k++) table.Set(KeyGroupAssignment.KeyGroupFor(k, 128), k, 1);
        var snapshot = table.CaptureSnapshot();

        var reader = Task.Run(() => snapshot.Entries.Sum(e => e.Value));
        for (long round = 0; round < 5; round++)
        {
            for (long k = 0; k < 50_000; k++)
            {
                ref var slot = ref table.GetValueRefOrAddDefault(KeyGroupAssignment.KeyGroupFor(k, 128), k, out _);
                slot += 1;
                if (k % 7 == 0) table.Set(KeyGroupAssignment.KeyGroupFor(k + 1_000_000, 128), k + 1_000_000, 5);
            }
        }
        Assert.Equal(50_000, await reader);
        Assert.Equal(50_000, snapshot.Entries.Sum(e => e.Value));
    }
}
