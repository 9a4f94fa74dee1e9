using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.Operators.Windowing;

namespace GrainFlow.Runtime.Tests.Windowing;

[Trait("Category", "Unit")]
public sealed class MergingWindowSetTests
{
    private static readonly EventTimeSessionWindows Sessions = EventTimeSessionWindows.WithGap(TimeSpan.FromMilliseconds(10));

    private sealed class ListStore : IMergingWindowStore<TimeWindow>
    {
        public WindowMapping<TimeWindow>[] Saved { get; private set; } = [];

        public int Saves { get; private set; }

        public WindowMapping<TimeWindow>[] Load() => Saved;

        public void Save(WindowMapping<TimeWindow>[] mapping)
        {
            Saved = mapping;
            Saves++;
        }
    }

    private sealed record Merge(TimeWindow Result, TimeWindow[] Merged, TimeWindow StateWindow, TimeWindow[] MergedStateWindows);

    private static TimeWindow Add(MergingWindowSet<TimeWindow> set, TimeWindow window, List<Merge> merges) =>
        set.AddWindow(window, (result, merged, stateWindow, mergedStateWindows) =>
            merges.Add(new Merge(result, merged.ToArray(), stateWindow, mergedStateWindows.ToArray())));

    [Fact]
    public void AWindowThatMergesWithNothingIsItsOwnStateWindow()
    {
        var set = new MergingWindowSet<TimeWindow>(Sessions, new ListStore());
        var merges = new List<Merge>();
        Assert.Equal(new TimeWindow(0, 10), Add(set, new TimeWindow(0, 10), merges));
        Assert.Equal(new TimeWindow(20, 30), Add(set, new TimeWindow(20, 30), merges));
        Assert.Empty(merges);
        Assert.Equal(new TimeWindow(0, 10), set.GetStateWindow(new TimeWindow(0, 10)));
        Assert.Null(set.GetStateWindow(new TimeWindow(10, 20)));
    }

    [Fact]
    public void TouchingWindowsMergeAndTheMergedWindowKeepsTheExistingStateWindow()
    {
        var set = new MergingWindowSet<TimeWindow>(Sessions, new ListStore());
        var merges = new List<Merge>();
        Add(set, new TimeWindow(0, 10), merges);
        var result = Add(set, new TimeWindow(10, 20), merges);

        Assert.Equal(new TimeWindow(0, 20), result);
        var merge = Assert.Single(merges);
        Assert.Equal(new TimeWindow(0, 20), merge.Result);
        Assert.Equal(new TimeWindow(0, 10), merge.StateWindow);
        Assert.Equal([new TimeWindow(0, 10)], merge.Merged);
        Assert.Empty(merge.MergedStateWindows);
        Assert.Equal(new TimeWindow(0, 10), set.GetStateWindow(new TimeWindow(0, 20)));
        Assert.Single(set.Mapping);
    }

    [Fact]
    public void AnElementInsideAnInFlightWindowJoinsItWithoutAMerge()
    {
        var set = new MergingWindowSet<TimeWindow>(Sessions, new ListStore());
        var merges = new List<Merge>();
        Add(set, new TimeWindow(0, 10), merges);
        Add(set, new TimeWindow(5, 15), merges);
        merges.Clear();

        Assert.Equal(new TimeWindow(0, 15), Add(set, new TimeWindow(2, 12), merges));
        Assert.Empty(merges);
        Assert.Equal(new TimeWindow(0, 15), Add(set, new TimeWindow(0, 15), merges));
        Assert.Empty(merges);
        Assert.Equal(new TimeWindow(0, 10), set.GetStateWindow(new TimeWindow(0, 15)));
    }

    [Fact]
    public void ALateElementBridgingTwoSessionsMergesTheirStateWindowsIntoOne()
    {
        var set = new MergingWindowSet<TimeWindow>(Sessions, new ListStore());
        var merges = new List<Merge>();
        Add(set, new TimeWindow(0, 10), merges);
        Add(set, new TimeWindow(20, 30), merges);
        Assert.Empty(merges);

        var result = Add(set, new TimeWindow(10, 20), merges);

        Assert.Equal(new TimeWindow(0, 30), result);
        var merge = Assert.Single(merges);
        Assert.Equal(new TimeWindow(0, 30), merge.Result);
        Assert.Equal([new TimeWindow(0, 10), new TimeWindow(20, 30)], merge.Merged);
        Assert.Equal(new TimeWindow(0, 10), merge.StateWindow);
        Assert.Equal([new TimeWindow(20, 30)], merge.MergedStateWindows);
        Assert.Equal(new WindowMapping<TimeWindow>(new TimeWindow(0, 30), new TimeWindow(0, 10)), Assert.Single(set.Mapping));
    }

    [Fact]
    public void AMergedWindowBringsItsOriginalStateWindowIntoTheNextMerge()
    {
        var set = new MergingWindowSet<TimeWindow>(Sessions, new ListStore());
        var merges = new List<Merge>();
        Add(set, new TimeWindow(20, 30), merges);
        Add(set, new TimeWindow(25, 35), merges);
        Add(set, new TimeWindow(0, 10), merges);
        merges.Clear();

        Add(set, new TimeWindow(10, 20), merges);
        var merge = Assert.Single(merges);
        Assert.Equal(new TimeWindow(0, 35), merge.Result);
        Assert.Equal([new TimeWindow(0, 10), new TimeWindow(20, 35)], merge.Merged);
        Assert.Equal(new TimeWindow(0, 10), merge.StateWindow);
        Assert.Equal([new TimeWindow(20, 30)], merge.MergedStateWindows);
    }

    [Fact]
    public void TheMappingPersistsOnlyWhenChangedAndALoadedSetContinuesFromIt()
    {
        var store = new ListStore();
        var set = new MergingWindowSet<TimeWindow>(Sessions, store);
        set.Persist();
        Assert.Equal(0, store.Saves);
        Add(set, new TimeWindow(0, 10), []);
        Add(set, new TimeWindow(5, 15), []);
        set.Persist();
        set.Persist();
        Assert.Equal(1, store.Saves);

        var reloaded = new MergingWindowSet<TimeWindow>(Sessions, store);
        reloaded.Load();
        Assert.Equal(new TimeWindow(0, 10), reloaded.GetStateWindow(new TimeWindow(0, 15)));
        var merges = new List<Merge>();
        Assert.Equal(new TimeWindow(0, 25), Add(reloaded, new TimeWindow(15, 25), merges));
        Assert.Equal(new TimeWindow(0, 10), Assert.Single(merges).StateWindow);

        reloaded.RetireWindow(new TimeWindow(0, 25));
        reloaded.Persist();
        Assert.Empty(store.Saved);
    }

    [Fact]
    public void TheMappingInStateIsNeverChangedInPlaceSinceASnapshotMayStillBeWritingIt()
    {
        var store = new ListStore();
        var set = new MergingWindowSet<TimeWindow>(Sessions, store);
        Add(set, new TimeWindow(0, 10), []);
        Add(set, new TimeWindow(20, 30), []);
        set.Persist();
        var captured = store.Saved;
        WindowMapping<TimeWindow>[] asCaptured = [.. captured];

        set.Load();
        Add(set, new TimeWindow(10, 20), []);
        set.RetireWindow(new TimeWindow(0, 30));
        Add(set, new TimeWindow(100, 110), []);
        set.Persist();

        Assert.Equal(asCaptured, captured);
        Assert.Equal([new WindowMapping<TimeWindow>(new TimeWindow(100, 110), new TimeWindow(100, 110))], store.Saved);
    }

    [Fact]
    public void RetiringAWindowThatIsNotInFlightFailsNamingIt() =>
        Assert.Contains("TimeWindow{start=0, end=10}",
            Assert.Throws<InvalidOperationException>(() => new MergingWindowSet<TimeWindow>(Sessions, new ListStore()).RetireWindow(new TimeWindow(0, 10))).Message);
}
