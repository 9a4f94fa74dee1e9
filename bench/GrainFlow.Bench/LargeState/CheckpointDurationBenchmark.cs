using System.Diagnostics;
using System.Globalization;

namespace GrainFlow.Bench.LargeState;

/// <summary>
/// Benchmark b of issue 4: how long checkpoints of 10 MB – 1 GB of keyed state take on the local disk
/// and on Azurite, next to the raw write time of the same number of bytes to the same storage in the
/// same run, and the synchronous stall at the barrier.
/// </summary>
/// <remarks>
/// The first checkpoints of a fresh process run code the JIT has not optimized yet (tiered
/// compilation promotes methods after a number of calls and a quiet period); a silo checkpoints for
/// days, so the medians are of the checkpoints after the warm-up ones
/// (<see cref="LargeStateArguments.WarmupFor"/>), and the first (cold) checkpoint is reported in a
/// column of its own.
/// </remarks>
internal static class CheckpointDurationBenchmark
{
    public static async Task<int> RunAsync(LargeStateArguments arguments)
    {
        Console.Error.WriteLine($"checkpoint duration: sizes {string.Join(", ", arguments.Sizes.Select(LargeStateArguments.Format))}, storages {string.Join(", ", arguments.Storages)}, {string.Join(", ", arguments.Sizes.Select(size => $"{arguments.WarmupFor(size)} warm-up checkpoints at {LargeStateArguments.Format(size)}"))} and {arguments.Runs} measured ones (each with a raw write) per setting, {Environment.ProcessorCount} cores");
        var rows = new List<string>();
        foreach (var storage in arguments.Storages)
        {
            foreach (var size in arguments.Sizes)
            {
                var setting = Stopwatch.StartNew();
                await using var run = await LargeStateRun.StartAsync(storage, size);
                // Checkpoints and raw writes take turns: after each checkpoint, a raw write of the same
                // size in the pause before the next one, so both meet the storage in the same state.
                var rawBudget = size / (storage == "local" ? 100.0 : 15.0) / (1 << 20);
                var built = await run.SubmitAndBuildStateAsync(TimeSpan.FromSeconds(2 + rawBudget));
                Console.Error.WriteLine($"  {storage} {LargeStateArguments.Format(size)}: {run.Keys:N0} keys in state after {setting.Elapsed.TotalSeconds:0.0} s");
                var checkpoints = new List<Checkpoints.CheckpointStatistics>();
                var raw = new List<TimeSpan>();
                var after = built;
                TimeSpan? cold = null;
                var warmupCheckpoints = arguments.WarmupFor(size);
                for (var i = 0; i < warmupCheckpoints + arguments.Runs; i++)
                {
                    var c = (await run.CompletedCheckpointsAsync(after, 1))[0];
                    after = c.TriggerTime;
                    var rawWrite = await RawStorage.WriteAsync(run.Store, c.StateSize);
                    var warmup = i < warmupCheckpoints;
                    Console.Error.WriteLine($"    checkpoint {c.Id}{(warmup ? " (warm-up)" : "")}: {LargeStateArguments.Format(c.StateSize)}, end to end {c.EndToEndDuration?.TotalSeconds:0.000} s, async {c.MaxAsyncDuration.TotalSeconds:0.000} s, sync {c.MaxSyncDuration.TotalMilliseconds:0.0} ms; raw write {rawWrite.TotalSeconds:0.000} s");
                    cold ??= c.MaxAsyncDuration;
                    if (warmup) continue;
                    checkpoints.Add(c);
                    raw.Add(rawWrite);
                }
                await run.CancelAndFindStateFilesAsync();
                var stateBytes = checkpoints[^1].StateSize;
                var endToEnd = Statistics.Median(checkpoints.Select(c => c.EndToEndDuration!.Value.TotalSeconds));
                var upload = Statistics.Median(checkpoints.Select(c => c.MaxAsyncDuration.TotalSeconds));
                var sync = checkpoints.Max(c => c.MaxSyncDuration.TotalMilliseconds);
                var rawSeconds = Statistics.Median(raw.Select(r => r.TotalSeconds));
                // Each raw write follows its checkpoint within a second or two: the ratio of a pair is
                // not moved by the disk's drift over minutes, which the ratio of the two medians is.
                var pairs = checkpoints.Zip(raw, (c, r) => r.TotalSeconds / c.MaxAsyncDuration.TotalSeconds).ToList();
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {storage} | {LargeStateArguments.Format(stateBytes)} | {endToEnd:0.000} s | {upload:0.000} s ({stateBytes / upload / (1 << 20):0} MiB/s) | {rawSeconds:0.000} s ({stateBytes / rawSeconds / (1 << 20):0} MiB/s) | {rawSeconds / upload:0.00} | {Statistics.Median(pairs):0.00} ({Statistics.Quantile(pairs, 0.25):0.00}–{Statistics.Quantile(pairs, 0.75):0.00}) | {sync:0.0} ms | {cold!.Value.TotalSeconds:0.000} s |"));
                Console.Error.WriteLine($"  {storage} {LargeStateArguments.Format(size)} took {setting.Elapsed.TotalSeconds:0} s in all");
            }
        }

        Console.WriteLine("| storage | state | checkpoint end to end (median) | serialize + upload per subtask (median) | raw write of the same bytes (median) | raw time / upload time (of the medians) | raw time / upload time per checkpoint: median (quartiles) | largest sync stall | serialize + upload, first (cold) checkpoint |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows) Console.WriteLine(row);
        return 0;
    }
}
