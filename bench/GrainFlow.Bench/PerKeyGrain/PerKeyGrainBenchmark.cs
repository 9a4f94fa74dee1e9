using System.Globalization;

namespace GrainFlow.Bench.PerKeyGrain;

/// <summary>
/// Issue 4, benchmark d: a durable keyed count the way an Orleans developer writes it today (one
/// grain per key, each event a call that increments and writes the state to grain storage) next
/// to GrainFlow's keyed-count with EXACTLY_ONCE checkpoints every 1 s, on the same events and keys,
/// with both on the same storage backend. Each measurement runs in its own process, the
/// configurations interleaved run by run; it prints medians and ratios as a markdown table.
/// </summary>
internal static class PerKeyGrainBenchmark
{
    public const string Suite = "per-key-grain";

    /// <summary>True when <paramref name="args"/> ask for this suite (or are one of its child measurements).</summary>
    public static bool Handles(string[] args) =>
        args.Length > 0 && args[0] == PerKeyGrainMeasurement.ChildCommand
        || args.Select((a, i) => (a, i)).Any(p => p.a == "--suite" && p.i + 1 < args.Length && args[p.i + 1] == Suite);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args[0] == PerKeyGrainMeasurement.ChildCommand) return await PerKeyGrainMeasurement.RunChildAsync(args[1..]);
        var arguments = PerKeyGrainArguments.Parse(args);
        await using var azurite = arguments.Backends.Contains(PerKeyGrainMeasurement.Azurite) ? await BenchAzurite.StartAsync() : null;

        // Per backend: the baseline, GrainFlow on exactly the baseline's events (deployment included,
        // few or no checkpoints), and GrainFlow on enough events for several checkpoints.
        var configurations = arguments.Backends.SelectMany(backend => new[]
        {
            (Backend: backend, Mode: PerKeyGrainMeasurement.Baseline, Events: arguments.BaselineEvents),
            (Backend: backend, Mode: PerKeyGrainMeasurement.GrainFlow, Events: arguments.BaselineEvents),
            (Backend: backend, Mode: PerKeyGrainMeasurement.GrainFlow, Events: arguments.Events),
        }).Distinct().ToList();
        var results = configurations.ToDictionary(c => c, _ => new List<PerKeyGrainResult>());

        Console.Error.WriteLine($"per-key grains vs GrainFlow: {arguments.Keys:N0} keys, baseline {arguments.BaselineEvents:N0} events with {arguments.Concurrency} calls in flight, "
            + $"GrainFlow {arguments.BaselineEvents:N0} and {arguments.Events:N0} events; {arguments.Runs} runs per configuration, {Environment.ProcessorCount} cores");
        for (var run = 1; run <= arguments.Runs; run++)
        {
            // Interleaved, so that a noisy moment of the machine hits every configuration alike.
            foreach (var configuration in configurations)
            {
                var measurement = await PerKeyGrainMeasurement.MeasureInChildAsync(configuration.Mode, configuration.Backend, configuration.Events,
                    arguments.Keys, arguments.Concurrency, azurite?.ConnectionString);
                results[configuration].Add(measurement);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  run {run}: {measurement.Description} ({measurement.Events:N0} events{Checkpoints(measurement)}): {measurement.EventsPerSecond:N0} events/s in {measurement.Seconds:0.00} s, peak {measurement.PeakBytes / (1 << 20)} MiB"));
            }
        }

        Console.WriteLine("| configuration | events | median events/s | ratio to per-key grains (same backend) | median peak memory |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var configuration in configurations)
        {
            var baseline = Statistics.Median(results[(configuration.Backend, PerKeyGrainMeasurement.Baseline, arguments.BaselineEvents)].Select(m => m.EventsPerSecond));
            var measurements = results[configuration];
            var rate = Statistics.Median(measurements.Select(m => m.EventsPerSecond));
            var peak = Statistics.Median(measurements.Select(m => (double)m.PeakBytes));
            var checkpoints = measurements[0].CheckpointsCompleted is null
                ? ""
                : $" (checkpoints completed per run: {string.Join("/", measurements.Select(m => m.CheckpointsCompleted))})";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {measurements[0].Description}{checkpoints} | {configuration.Events:N0} | {rate:N0} | {rate / baseline:0.0} | {peak / (1 << 20):0} MiB |"));
        }
        return 0;
    }

    private static string Checkpoints(PerKeyGrainResult result) =>
        result.CheckpointsCompleted is { } completed ? $", {completed} checkpoints completed" : "";
}
