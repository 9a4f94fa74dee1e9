using System.Text.Json;
using System.Text.RegularExpressions;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using Xunit.Abstractions;
using Ledger = GrainFlow.Runtime.Tests.TestJobs.SequenceLedgerJob.LedgerPerKey;

namespace GrainFlow.Runtime.Tests.Checkpointing;

/// <summary>
/// What each checkpointing mode promises across a failure, checked record by record against the
/// failure-free answer (every sequence number exactly once), in keyed state and in the output of a
/// plain sink: EXACTLY_ONCE loses nothing and counts nothing twice in state; AT_LEAST_ONCE loses
/// nothing, and may count twice the records that reached the state after one input's barrier but
/// before the snapshot (no alignment) and are replayed. Duplicates are counted, reported, and must
/// agree with the keyed counts and lie in the replayed ranges.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed partial class DeliveryGuaranteeTests(SharedClusterFixture fixture, ITestOutputHelper output)
{
    private const int Parallelism = 2;
    private const long Records = 32_000;
    private const long Keys = 20;
    private const int Splits = SequenceLedgerJob.Splits;

    [Theory]
    [InlineData("AT_LEAST_ONCE")]
    [InlineData("EXACTLY_ONCE")]
    public async Task AFailureLosesNoRecordAndOnlyAtLeastOnceCountsRecordsTwiceInState(string mode)
    {
        var plan = FailurePlan.Create([]);
        var outputLedger = OutputLedger.Create();
        var jobId = await fixture.Cluster.SubmitAsync(SequenceLedgerJob.Name, new Dictionary<string, string>
        {
            ["execution.checkpointing.interval"] = "100 ms",
            ["execution.checkpointing.mode"] = mode,
            ["execution.checkpointing.dir"] = fixture.Directory.Combine($"checkpoints-{Guid.NewGuid():N}"),
            ["execution.buffer-timeout.interval"] = "5 ms",
            ["records"] = Records.ToString(),
            ["keys"] = Keys.ToString(),
            ["records-per-second"] = "2000",
            ["stall-ms"] = "40",
            ["failure-plan"] = plan,
            ["output-ledger"] = outputLedger,
            ["restart-strategy.type"] = "fixed-delay",
            ["restart-strategy.fixed-delay.delay"] = "50 ms",
        }, Parallelism);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await fixture.Cluster.Job(jobId).GetCheckpointStatsAsync()).Completed < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);
        // Fail split 0 a little ahead of its source: the restore then starts from a checkpoint, and
        // what was processed after it is replayed.
        var offsets = (await fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "sequence", 0)).GetMetricsAsync()).SourceOffsets;
        var failAt = Splits * (offsets["split-0"] + 300);
        Assert.True(failAt < Records, $"the source reached record {failAt} before two checkpoints completed");
        FailurePlan.Add(plan, failAt);
        var details = await fixture.Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2));

        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.Equal(0, FailurePlan.Remaining(plan));
        Assert.Equal(2, details.Attempt);
        var restored = RestoredOffsets(details.StateOrigin);
        // Split 0 failed at record failAt, so it emitted its records from the restored offset up to there twice.
        var replayedOfSplit0 = failAt / Splits - restored["split-0"];

        var stateLedger = await OccurrencesInStateAsync(jobId);
        var counts = await CountsAsync(jobId);
        var written = OutputLedger.Get(outputLedger).ToDictionary(e => e.Key, e => (long)e.Value);
        AssertNothingLostOrForeign(stateLedger, $"{mode} keyed state");
        AssertNothingLostOrForeign(written, $"{mode} output");
        var stateDuplicates = Duplicates(stateLedger);
        var outputDuplicates = Duplicates(written);
        output.WriteLine($"{mode}: {stateDuplicates.Values.Sum()} records counted twice in keyed state, {outputDuplicates.Values.Sum()} written twice by the sink, "
            + $"of {Records}; split-0 replayed {replayedOfSplit0} records it had emitted before failing at record {failAt}.");
        output.WriteLine($"  keyed state duplicates per split: {PerSplit(stateDuplicates)}");
        output.WriteLine($"  output duplicates per split: {PerSplit(outputDuplicates)}");
        output.WriteLine($"  {details.StateOrigin}");

        // The keyed counts tell the same story as the ledger: each key counted its records plus its duplicates.
        for (long key = 0; key < Keys; key++)
        {
            Assert.Equal(Records / Keys + stateDuplicates.Where(d => d.Key % Keys == key).Sum(d => d.Value), counts[key]);
        }
        // Whatever the mode, a record is written twice only if the restore replayed it: at or after the
        // restored offset of its split (and for split 0 before the record it failed at), once per attempt.
        // A record counted twice in state was processed, so written, twice.
        foreach (var (sequence, extra) in outputDuplicates)
        {
            var (split, index) = (sequence % Splits, sequence / Splits);
            Assert.True(index >= restored[$"split-{split}"] && (split != 0 || sequence < failAt),
                $"record {sequence} was written twice but was not replayed ({details.StateOrigin}, failed at {failAt})");
            Assert.True(extra < details.Attempt, $"record {sequence} was written {extra + 1} times in {details.Attempt} attempts");
        }
        Assert.True(outputDuplicates.Where(d => d.Key % Splits == 0).Sum(d => d.Value) <= replayedOfSplit0);
        Assert.All(stateDuplicates, d => Assert.True(outputDuplicates.TryGetValue(d.Key, out var writtenTwice) && writtenTwice >= d.Value,
            $"record {d.Key} was counted twice in state but not written twice"));
        if (mode == "EXACTLY_ONCE")
        {
            Assert.True(stateDuplicates.Count == 0,
                $"EXACTLY_ONCE counted {stateDuplicates.Count} records twice in keyed state, e.g. {string.Join(", ", stateDuplicates.Keys.Order().Take(10))}");
        }
    }

    private static void AssertNothingLostOrForeign(Dictionary<long, long> ledger, string where)
    {
        var lost = Enumerable.Range(0, (int)Records).Where(n => !ledger.ContainsKey(n)).ToList();
        Assert.True(lost.Count == 0, $"{where} lost {lost.Count} records, e.g. {string.Join(", ", lost.Take(10))}");
        var foreign = ledger.Keys.Where(n => n is < 0 or >= Records).ToList();
        Assert.True(foreign.Count == 0, $"{where} has records that were never produced: {string.Join(", ", foreign.Take(10))}");
    }

    /// <summary>Records seen more than once, with how many times more.</summary>
    private static Dictionary<long, long> Duplicates(Dictionary<long, long> ledger) =>
        ledger.Where(o => o.Value > 1).ToDictionary(o => o.Key, o => o.Value - 1);

    private static string PerSplit(Dictionary<long, long> duplicates) => string.Join(", ", Enumerable.Range(0, Splits).Select(s =>
    {
        var indexes = duplicates.Keys.Where(n => n % Splits == s).Select(n => n / Splits).ToList();
        return indexes.Count == 0 ? $"split-{s} none" : $"split-{s} {indexes.Count} (offsets {indexes.Min()}–{indexes.Max()})";
    }));

    [GeneratedRegex(@"(split-\d+)=(\d+)")]
    private static partial Regex SplitOffset();

    private static Dictionary<string, long> RestoredOffsets(string stateOrigin)
    {
        Assert.Contains("from checkpoint", stateOrigin);
        var offsets = SplitOffset().Matches(stateOrigin).ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value));
        Assert.Equal(Splits, offsets.Count);
        return offsets;
    }

    private async Task<Dictionary<long, long>> CountsAsync(JobId jobId)
    {
        var counts = new Dictionary<long, long>();
        for (var i = 0; i < Parallelism; i++)
        {
            foreach (var entry in await fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, SequenceLedgerJob.OperatorUid, i))
                         .GetKeyedStateAsync(SequenceLedgerJob.OperatorUid, Ledger.Count))
            {
                counts.Add(long.Parse(entry.Key), long.Parse(entry.Value));
            }
        }
        return counts;
    }

    /// <summary>How often each sequence number was counted, over every key and subtask.</summary>
    private async Task<Dictionary<long, long>> OccurrencesInStateAsync(JobId jobId)
    {
        var occurrences = new Dictionary<long, long>();
        for (var i = 0; i < Parallelism; i++)
        {
            foreach (var entry in await fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, SequenceLedgerJob.OperatorUid, i))
                         .GetKeyedStateAsync(SequenceLedgerJob.OperatorUid, Ledger.Occurrences))
            {
                foreach (var (sequence, count) in JsonSerializer.Deserialize<Dictionary<long, long>>(entry.Value)!)
                {
                    Assert.True(occurrences.TryAdd(sequence, count), $"record {sequence} is in the ledger of two keys");
                    Assert.Equal(long.Parse(entry.Key), sequence % Keys);
                }
            }
        }
        return occurrences;
    }
}
