using GrainFlow.KeyGroups;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Tests.State;

/// <summary>
/// Writes to a state table while snapshots of it are unreleased go to overlays: every snapshot keeps exactly the
/// entries of its capture, the table reads its newest writes, and released snapshots let the overlays fold back.
/// </summary>
[Trait("Category", "Unit")]
public sealed class StateTableOverlayTests
{
    private const int MaxParallelism = 128;

    [Fact]
    public void EveryKindOfWriteAfterACaptureIsReadBackWhileTheSnapshotKeepsTheCapturedEntries()
    {
        var table = new StateTable<long, long>("t", 0, MaxParallelism);
        foreach (var key in new long[] { 1, 2, 3, 4 }) Set(table, key, key * 10);
        var snapshot = table.CaptureSnapshot();

        Set(table, 1, 11);                                  // overwritten
        Assert.True(Remove(table, 2, out var removed));     // removed
        Assert.Equal(20, removed);
        ref var three = ref table.GetValueRefOrAddDefault(Group(3), 3, out var threeExists);
        Assert.True(threeExists);
        Assert.Equal(30, three);
        three += 1;                                         // updated in place
        ref var five = ref table.GetValueRefOrAddDefault(Group(5), 5, out var fiveExists);
        Assert.False(fiveExists);
        five = 50;                                          // added
        Set(table, 6, 60);
        Assert.True(Remove(table, 6, out _));               // added and removed again
        Assert.False(Remove(table, 2, out _));              // removed twice
        ref var two = ref table.GetValueRefOrAddDefault(Group(2), 2, out var twoExists);
        Assert.False(twoExists);
        Assert.Equal(0, two);
        two = 22;                                           // removed and added again

        var expected = new Dictionary<long, long> { [1] = 11, [2] = 22, [3] = 31, [4] = 40, [5] = 50 };
        Assert.Equal(expected, table.Entries.ToDictionary(e => e.Key, e => e.Value));
        Assert.Equal(expected.Count, table.Count);
        Assert.All(expected, e => Assert.True(table.TryGet(Group(e.Key), e.Key, out var value) && value == e.Value));
        Assert.False(table.TryGet(Group(6), 6, out _));
        Assert.Equal(new Dictionary<long, long> { [1] = 10, [2] = 20, [3] = 30, [4] = 40 }, snapshot.Entries.ToDictionary(e => e.Key, e => e.Value));

        snapshot.Dispose();
        Set(table, 4, 41);
        foreach (var key in expected.Keys) table.TryGet(Group(key), key, out _);

        expected[4] = 41;
        Assert.Equal(expected, table.Entries.ToDictionary(e => e.Key, e => e.Value));
        Assert.Equal(expected.Count, table.Count);
    }

    [Fact]
    public void ACaptureWhileAnEarlierSnapshotIsUnreleasedKeepsBothExactAndTheOverlaysFoldOnlyOnceBothAreReleased()
    {
        var table = new StateTable<long, long>("t", 0, MaxParallelism, bucketsPerKeyGroup: 1);
        for (long key = 0; key < 1_000; key++) Set(table, key, 0);
        var first = table.CaptureSnapshot();
        for (long key = 0; key < 1_000; key += 2) Set(table, key, 1);
        var second = table.CaptureSnapshot();
        for (long key = 0; key < 1_000; key += 3) Set(table, key, 2);

        Assert.All(first.Entries, e => Assert.Equal(0, e.Value));
        Assert.All(second.Entries, e => Assert.Equal(e.Key % 2 == 0 ? 1 : 0, e.Value));
        first.Dispose();
        Set(table, 1, 3);
        Assert.True(table.OverlaidEntries > 0, "the second snapshot still reads the dictionaries");
        Assert.All(second.Entries, e => Assert.Equal(e.Key % 2 == 0 ? 1 : 0, e.Value));

        second.Dispose();
        for (long key = 0; key < 1_000; key++) Set(table, key, Expected(key));

        Assert.Equal((0, 0), (table.OverlaidEntries, table.SharedBuckets));
        Assert.All(table.Entries, e => Assert.Equal(Expected(e.Key), e.Value));

        static long Expected(long key) => key == 1 ? 3 : key % 3 == 0 ? 2 : key % 2 == 0 ? 1 : 0;
    }

    [Fact]
    public void RandomWritesCapturesAndReleasesMatchAPlainDictionary()
    {
        var random = new Random(20261203);
        var table = new StateTable<long, long>("t", 0, MaxParallelism, bucketsPerKeyGroup: 4);
        var model = new Dictionary<long, long>();
        var open = new List<(StateTableSnapshot<long, long> Snapshot, Dictionary<long, long> Captured)>();
        for (var step = 0; step < 200_000; step++)
        {
            var key = (long)random.Next(2_000);
            switch (random.Next(1_000))
            {
                case < 400:
                    Set(table, key, step);
                    model[key] = step;
                    break;
                case < 650:
                    ref var slot = ref table.GetValueRefOrAddDefault(Group(key), key, out var exists);
                    Assert.Equal(model.ContainsKey(key), exists);
                    Assert.Equal(model.GetValueOrDefault(key), slot);
                    slot += 1;
                    model[key] = slot;
                    break;
                case < 900:
                    Assert.Equal(model.Remove(key, out var expected), Remove(table, key, out var value));
                    Assert.Equal(expected, value);
                    break;
                case < 996:
                    Assert.Equal(model.TryGetValue(key, out var current), table.TryGet(Group(key), key, out var read));
                    Assert.Equal(current, read);
                    break;
                case < 998:
                    open.Add((table.CaptureSnapshot(), new Dictionary<long, long>(model)));
                    break;
                default:
                    if (open.Count == 0) break;
                    var released = open[random.Next(open.Count)];
                    Assert.Equal(released.Captured, released.Snapshot.Entries.ToDictionary(e => e.Key, e => e.Value));
                    released.Snapshot.Dispose();
                    open.Remove(released);
                    break;
            }
        }

        Assert.Equal(model, table.Entries.ToDictionary(e => e.Key, e => e.Value));
        Assert.Equal(model.Count, table.Count);
        foreach (var (snapshot, captured) in open) Assert.Equal(captured, snapshot.Entries.ToDictionary(e => e.Key, e => e.Value));
    }

    [Fact]
    public async Task ASnapshotReadOnAnotherThreadSeesItsCaptureWhileTheTableIsWrittenReleasedAndCapturedAgain()
    {
        var table = new StateTable<long, long>("t", 0, MaxParallelism);
        for (long key = 0; key < 50_000; key++) Set(table, key, 1);
        for (var round = 0; round < 5; round++)
        {
            var snapshot = table.CaptureSnapshot();
            var expected = table.Entries.Sum(e => e.Value);
            var reader = Task.Run(() => snapshot.Entries.Sum(e => e.Value));
            for (long key = 0; key < 50_000; key++)
            {
                ref var slot = ref table.GetValueRefOrAddDefault(Group(key), key, out _);
                slot += 1;
                if (key % 7 == 0) Remove(table, key + 1, out _);
            }
            Assert.Equal(expected, await reader);
            snapshot.Dispose();
        }
    }

    private static int Group(long key) => KeyGroupAssignment.KeyGroupFor(key, MaxParallelism);

    private static void Set(StateTable<long, long> table, long key, long value) => table.Set(Group(key), key, value);

    private static bool Remove(StateTable<long, long> table, long key, out long value) => table.Remove(Group(key), key, out value);
}
