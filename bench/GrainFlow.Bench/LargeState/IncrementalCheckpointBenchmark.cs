using System.Diagnostics;
using System.Globalization;

namespace GrainFlow.Bench.LargeState;

/// <summary>
/// Issue 14's incremental-checkpoint benchmark: a RocksDB state of 2 GB (by default) of which about 1 % is rewritten
/// between two checkpoints, checkpointed in full and incrementally, one setting after the other in one run: the size,
/// duration and synchronous part of a checkpoint, and the peak memory of the process next to the state's size (for that,
/// run one mode per process: <c>--modes incremental</c>; the peak of a process is that of everything it ran).
/// </summary>
internal static class IncrementalCheckpointBenchmark
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private const double ChangedPerInterval = 0.01;

    public static async Task<int> RunAsync(LargeStateArguments arguments)
    {
        var warmup = arguments.Warmup ?? 1;
        Console.Error.WriteLine($"incremental checkpoints: sizes {string.Join(", ", arguments.Sizes.Select(LargeStateArguments.Format))}, {ChangedPerInterval:P0} of the keys rewritten per {Interval.TotalSeconds:0} s interval, {warmup} warm-up and {arguments.Runs} measured checkpoints per setting, {Environment.ProcessorCount} cores");
        var rows = new List<(long Size, bool Incremental, double Bytes, double EndToEnd, double Async, double Sync, long Peak)>();
        foreach (var storage in arguments.Storages)
        {
            foreach (var size in arguments.Sizes)
            {
                foreach (var incremental in arguments.Modes.Select(m => m == "incremental"))
                {
                    var setting = Stopwatch.StartNew();
                    await using var run = await LargeStateRun.StartAsync(storage, size, arguments with { Backend = "rocksdb", Incremental = incremental });
                    var churn = (long)(run.Keys * ChangedPerInterval / Interval.TotalSeconds);
                    var built = await run.SubmitAndBuildStateAsync(TimeSpan.FromSeconds(1), interval: $"{Interval.TotalSeconds:0} s", churnPerSecond: churn);
                    var name = incremental ? "incremental" : "full";
                    Console.Error.WriteLine($"  {storage} {LargeStateArguments.Format(size)} {name}: {run.Keys:N0} keys in state after {setting.Elapsed.TotalSeconds:0.0} s, rewriting {churn:N0} keys/s");
                    var checkpoints = await run.CompletedCheckpointsAsync(built, warmup + arguments.Runs);
                    foreach (var c in checkpoints)
                    {
                        Console.Error.WriteLine($"    checkpoint {c.Id}: {LargeStateArguments.Format(c.StateSize)} of {LargeStateArguments.Format(c.FullSize)}, end to end {c.EndToEndDuration?.TotalSeconds:0.000} s, async {c.MaxAsyncDuration.TotalSeconds:0.000} s, sync {c.MaxSyncDuration.TotalMilliseconds:0.0} ms");
                    }
                    var measured = checkpoints.Skip(warmup).ToList();
                    rows.Add((size, incremental,
                        Statistics.Median(measured.Select(c => (double)c.StateSize)),
                        Statistics.Median(measured.Select(c => c.EndToEndDuration!.Value.TotalSeconds)),
                        Statistics.Median(measured.Select(c => c.MaxAsyncDuration.TotalSeconds)),
                        measured.Max(c => c.MaxSyncDuration.TotalMilliseconds),
                        Process.GetCurrentProcess().PeakWorkingSet64));
                    await run.CancelAndFindStateFilesAsync();
                    Console.Error.WriteLine($"  {storage} {LargeStateArguments.Format(size)} {name} took {setting.Elapsed.TotalSeconds:0} s in all");
                }
            }
        }

        Console.WriteLine("| state | checkpoint | size uploaded (median) | end to end (median) | async part (median) | largest sync part | size / full | duration / full | peak memory of the process so far |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            var full = rows.FirstOrDefault(r => r.Size == row.Size && !r.Incremental);
            if (full == default) full = row;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {LargeStateArguments.Format(row.Size)} | {(row.Incremental ? "incremental" : "full")} | {LargeStateArguments.Format((long)row.Bytes)} | {row.EndToEnd:0.000} s | {row.Async:0.000} s | {row.Sync:0.0} ms | {row.Bytes / full.Bytes:0.000} | {row.EndToEnd / full.EndToEnd:0.000} | {LargeStateArguments.Format(row.Peak)} |"));
        }
        return 0;
    }
}
