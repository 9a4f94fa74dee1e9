using System.Collections.Immutable;
using System.Text;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Tests.State;
using static GrainFlow.Runtime.Tests.State.KeyedStateCheckpoints;

namespace GrainFlow.Runtime.Tests.Harness;

/// <summary>
/// Keyed state written before namespaces and event-time timers existed restores unchanged: the bytes
/// here are built by hand in format version 1 as GrainFlow wrote it then (per-key tables; the
/// processing-time timers of a process function in '_timers'; the rolling aggregate's 'accumulator').
/// </summary>
[Trait("Category", "Unit")]
public sealed class PreNamespaceSnapshotTests
{
    private sealed record Table(string Name, string Codecs, IReadOnlyList<(long Key, Action<BinaryWriter> WriteValue)> Entries);

    /// <summary>A keyed-state section in version 1 of the format (docs/CHECKPOINTS.md), keys written by the "long" codec.</summary>
    private static HarnessSnapshot Version1Section(params Table[] tables)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(0x47464B31);
        writer.Write(1);
        writer.Write(tables.Length);
        foreach (var table in tables)
        {
            writer.Write(table.Name);
            writer.Write(table.Codecs);
        }
        var offsets = new Dictionary<int, long>();
        var keyGroups = tables.SelectMany(t => t.Entries).Select(e => KeyGroupAssignment.KeyGroupFor(e.Key, MaxParallelism)).Distinct().Order();
        foreach (var keyGroup in keyGroups)
        {
            writer.Flush();
            offsets[keyGroup] = stream.Position;
            writer.Write(keyGroup);
            foreach (var table in tables)
            {
                var entries = table.Entries.Where(e => KeyGroupAssignment.KeyGroupFor(e.Key, MaxParallelism) == keyGroup).ToList();
                using var bytes = new MemoryStream();
                using (var entryWriter = new BinaryWriter(bytes, Encoding.UTF8, leaveOpen: true))
                {
                    foreach (var (key, writeValue) in entries)
                    {
                        entryWriter.Write(key);
                        writeValue(entryWriter);
                    }
                }
                writer.Write(entries.Count);
                writer.Write((int)bytes.Length);
                writer.Write(bytes.ToArray());
            }
        }
        writer.Flush();
        return new HarnessSnapshot(stream.ToArray(), offsets);
    }

    private sealed class CountWithTimers : KeyedProcessFunction<long, long, string>
    {
        private IValueState<long> _count = null!;

        public override void Open(IKeyedRuntimeContext context) => _count = context.GetState(new ValueStateDescriptor<long>("count"));

        public override void ProcessElement(long value, Context context, ICollector<string> output) => _count.Update(_count.Value + 1);

        public override void OnTimer(long timestampMs, OnTimerContext context, ICollector<string> output) =>
            output.Collect($"key {context.CurrentKey} count {_count.Value} {context.TimeDomain} timer {timestampMs}");
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void AProcessFunctionsStateAndProcessingTimeTimersFromBeforeNamespacesRestoreAtAnotherParallelism(string type)
    {
        var timers = Codecs.For<ImmutableArray<long>>();
        var snapshot = Version1Section(
            new Table("count", "long|long", [(1, w => w.Write(5L)), (2, w => w.Write(7L)), (3, w => w.Write(9L))]),
            new Table("_timers", $"long|{timers.Name}", [(1, w => timers.Write(w, [500L])), (2, w => timers.Write(w, [300L, 700L]))]));

        var restored = Enumerable.Range(0, 2).Select(i => KeyedOperatorHarness.ForProcessFunction<long, long, string>(
            v => v, new CountWithTimers(), new HarnessSetup(i, 2, RestoreFrom: [snapshot], Backend: type))).ToList();
        var ownerOf3 = restored[KeyGroupAssignment.SubtaskForKey(3L, 2, MaxParallelism)];
        ownerOf3.ProcessElement(3);
        foreach (var harness in restored) harness.SetProcessingTime(1_000);

        Assert.Equal(
            ["key 1 count 5 ProcessingTime timer 500", "key 2 count 7 ProcessingTime timer 300", "key 2 count 7 ProcessingTime timer 700"],
            restored.SelectMany(h => h.OutputValues).Order());
        foreach (var harness in restored) harness.SetProcessingTime(2_000);
        Assert.Equal(3, restored.Sum(h => h.Output.Count)); // each restored timer fired once
    }

    private sealed class Sum : IAggregateFunction<long, long, long>
    {
        public long CreateAccumulator() => 0;

        public long Add(long value, long accumulator) => accumulator + value;

        public long GetResult(long accumulator) => accumulator;

        public long Merge(long a, long b) => a + b;
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void ARollingAggregatesAccumulatorsFromBeforeNamespacesRestore(string type)
    {
        var snapshot = Version1Section(new Table("accumulator", "long|long", [(4, w => w.Write(40L)), (5, w => w.Write(50L))]));
        var harness = KeyedOperatorHarness.ForAggregate<long, long, long, long>(v => v / 10, new Sum(), new HarnessSetup(RestoreFrom: [snapshot], Backend: type));
        harness.ProcessElement(41);
        harness.ProcessElement(52);
        harness.ProcessElement(60);
        Assert.Equal([81L, 102, 60], harness.OutputValues);
    }
}
