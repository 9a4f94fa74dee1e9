using System.Globalization;
using GrainFlow.Savepoints;

namespace GrainFlow.Bench.LargeState;

/// <summary>
/// Canonical against native savepoints of the same running job (issue 5): the time from the trigger
/// to the completed savepoint, the bytes written, and the time a new job takes from submission to
/// running with the savepoint's state restored. The state is one <see cref="Readings"/> record per
/// key (a user type: canonical writes JSON, native Orleans' binary), formats alternating run by run.
/// </summary>
internal static class SavepointFormatBenchmark
{
    private const string ValueType = "record";

    public static async Task<int> RunAsync(LargeStateArguments arguments)
    {
        Console.Error.WriteLine($"savepoint formats: sizes {string.Join(", ", arguments.Sizes.Select(LargeStateArguments.Format))}, storages {string.Join(", ", arguments.Storages)}, {arguments.Runs} runs per format, {Environment.ProcessorCount} cores");
        var rows = new List<string>();
        foreach (var storage in arguments.Storages)
        {
            foreach (var size in arguments.Sizes)
            {
                await using var run = await LargeStateRun.StartAsync(storage, size);
                // Checkpoints an hour apart: only the savepoints write while measuring.
                await run.SubmitAndBuildStateAsync(TimeSpan.Zero, ValueType, "1 h");
                var writes = new Dictionary<SavepointFormatType, List<double>>();
                var restores = new Dictionary<SavepointFormatType, List<double>>();
                var bytes = new Dictionary<SavepointFormatType, long>();
                for (var i = 0; i < arguments.Runs; i++)
                {
                    foreach (var format in new[] { SavepointFormatType.Canonical, SavepointFormatType.Native })
                    {
                        var target = storage == "local" ? Path.Combine(run.CheckpointDir, "savepoints") : run.CheckpointDir + "/savepoints";
                        var (duration, location) = await run.TimeSavepointAsync(target, format);
                        var written = await run.SizeOfAsync(location);
                        var restore = await run.TimeRestoreAsync(location, ValueType);
                        (writes.TryGetValue(format, out var w) ? w : writes[format] = []).Add(duration.TotalSeconds);
                        (restores.TryGetValue(format, out var r) ? r : restores[format] = []).Add(restore.TotalSeconds);
                        bytes[format] = written;
                        Console.Error.WriteLine($"  {storage} {LargeStateArguments.Format(size)} run {i + 1} {format}: savepoint {duration.TotalSeconds:0.000} s, {LargeStateArguments.Format(written)}; restore {restore.TotalSeconds:0.000} s");
                    }
                }
                await run.Job.CancelAsync();
                double Median(Dictionary<SavepointFormatType, List<double>> of, SavepointFormatType format) => Statistics.Median(of[format]);
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {storage} | {LargeStateArguments.Format(size)} | " +
                    $"{Median(writes, SavepointFormatType.Canonical):0.000} s / {Median(writes, SavepointFormatType.Native):0.000} s ({Median(writes, SavepointFormatType.Canonical) / Median(writes, SavepointFormatType.Native):0.00}×) | " +
                    $"{LargeStateArguments.Format(bytes[SavepointFormatType.Canonical])} / {LargeStateArguments.Format(bytes[SavepointFormatType.Native])} | " +
                    $"{Median(restores, SavepointFormatType.Canonical):0.000} s / {Median(restores, SavepointFormatType.Native):0.000} s ({Median(restores, SavepointFormatType.Canonical) / Median(restores, SavepointFormatType.Native):0.00}×) |"));
            }
        }

        Console.WriteLine("| storage | state (in memory) | savepoint write, canonical / native (median) | written, canonical / native | restore into a new job, canonical / native (median) |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var row in rows) Console.WriteLine(row);
        return 0;
    }
}
