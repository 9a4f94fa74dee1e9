using System.Diagnostics;
using System.Globalization;

namespace GrainFlow.Bench.LargeState;

/// <summary>
/// Benchmark c of issue 4: how long a job takes to run again after a failure when it restores a large
/// checkpoint (1 GB by default), next to the raw read time of the same state files in the same run.
/// </summary>
/// <remarks>
/// The recovery time runs from the injected failure until the job is RUNNING again, which a subtask
/// reaches only after reading, checking and deserializing its state; it also holds the failure report,
/// the cancellation of the old attempt and the redeployment. After each recovery the benchmark waits
/// for a checkpoint of the restored job and checks that it holds exactly as many bytes as before.
/// </remarks>
internal static class RestoreTimeBenchmark
{
    public static async Task<int> RunAsync(LargeStateArguments arguments)
    {
        Console.Error.WriteLine($"restore time ({arguments.Backend}{(arguments.Incremental ? ", incremental" : "")}{(arguments.LocalRecovery ? ", local recovery" : "")}): sizes {string.Join(", ", arguments.Sizes.Select(LargeStateArguments.Format))}, storages {string.Join(", ", arguments.Storages)}, {arguments.Runs} restores and raw reads per setting, {Environment.ProcessorCount} cores");
        var rows = new List<string>();
        foreach (var storage in arguments.Storages)
        {
            foreach (var size in arguments.Sizes)
            {
                var setting = Stopwatch.StartNew();
                await using var run = await LargeStateRun.StartAsync(storage, size, arguments);
                var after = await run.SubmitAndBuildStateAsync(TimeSpan.Zero);
                var checkpoint = (await run.CompletedCheckpointsAsync(after, 1))[0];
                Console.Error.WriteLine($"  {storage} {LargeStateArguments.Format(size)}: checkpoint {checkpoint.Id} of {LargeStateArguments.Format(checkpoint.FullSize)} after {setting.Elapsed.TotalSeconds:0.0} s");
                var restores = new List<TimeSpan>();
                var cold = true;
                for (var i = 0; i < arguments.Runs; i++)
                {
                    cold &= storage != "local" || RawStorage.TryDropPageCache();
                    restores.Add(await run.FailAndTimeRecoveryAsync());
                    var recovered = DateTimeOffset.UtcNow;
                    var next = (await run.CompletedCheckpointsAsync(recovered, 1))[0];
                    // The whole state (an incremental checkpoint writes less, and a RocksDB instance's files change with compactions).
                    if (arguments.Backend == "hashmap" ? next.FullSize != checkpoint.FullSize : Math.Abs(next.FullSize - checkpoint.FullSize) > checkpoint.FullSize / 10)
                    {
                        throw new InvalidOperationException($"After the restore the state has {next.FullSize} bytes, before it had {checkpoint.FullSize}.");
                    }
                    Console.Error.WriteLine($"    restore {i + 1}: running again after {restores[^1].TotalSeconds:0.000} s; next checkpoint {next.Id} holds {next.FullSize:N0} bytes (before: {checkpoint.FullSize:N0})");
                }
                var files = await run.CancelAndFindStateFilesAsync();
                var bytes = files.Sum(f => f.Size);
                var raw = new List<TimeSpan>();
                for (var i = 0; i < arguments.Runs; i++)
                {
                    cold &= storage != "local" || RawStorage.TryDropPageCache();
                    raw.Add(await RawStorage.ReadAsync(run.Store, files));
                    Console.Error.WriteLine($"    raw read {i + 1}: {raw[^1].TotalSeconds:0.000} s");
                }
                var restore = Statistics.Median(restores.Select(r => r.TotalSeconds));
                var rawSeconds = Statistics.Median(raw.Select(r => r.TotalSeconds));
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {storage}{(storage == "local" ? cold ? " (page cache dropped)" : " (page cache warm)" : "")} | {LargeStateArguments.Format(bytes)} | {restore:0.000} s | {rawSeconds:0.000} s ({bytes / rawSeconds / (1 << 20):0} MiB/s) | {restore / rawSeconds:0.0}× |"));
                Console.Error.WriteLine($"  {storage} {LargeStateArguments.Format(size)} took {setting.Elapsed.TotalSeconds:0} s in all");
            }
        }

        Console.WriteLine("| storage | state | failure → running again, state restored (median) | raw read of the same files (median) | restore / raw read |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var row in rows) Console.WriteLine(row);
        return 0;
    }
}
