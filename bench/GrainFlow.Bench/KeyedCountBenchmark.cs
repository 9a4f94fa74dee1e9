using System.Globalization;

namespace GrainFlow.Bench;

/// <summary>The keyed-count benchmark of issue 3: GrainFlow at each parallelism next to the plain-loop ceiling, in one run.</summary>
internal static class KeyedCountBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = BenchArguments.Parse(args);
        var configurations = new List<(string Mode, int Parallelism, bool Scramble)>();
        if (arguments.Suite == BenchArguments.CheckpointOverhead)
        {
            // The ceiling here is GrainFlow itself without checkpoints ("dictionary" rows are only the reference).
            configurations.Add(("dictionary", 1, false));
            configurations.Add(("grainflow", 2, false));
            configurations.AddRange(arguments.CheckpointIntervals.Select(interval => (Measurement.CheckpointedMode(interval), 2, false)));
        }
        else if (arguments.Suite == BenchArguments.StateBackends)
        {
            // Issue 14: the checkpointed keyed count on the heap and on RocksDB (full and incremental checkpoints).
            configurations.Add(("dictionary", 1, false));
            foreach (var p in arguments.Parallelisms)
            {
                configurations.Add((Measurement.CheckpointedMode(arguments.CheckpointIntervals[0]), p, false));
                configurations.Add((Measurement.RocksDbMode(arguments.CheckpointIntervals[0], incremental: false), p, false));
                configurations.Add((Measurement.RocksDbMode(arguments.CheckpointIntervals[0], incremental: true), p, false));
            }
        }
        else if (arguments.Suite == BenchArguments.MetricsOverhead)
        {
            // Issue 15: the same checkpointed keyed count with metrics and tracing off and on (the plain loop only as the reference).
            configurations.Add(("dictionary", 1, false));
            configurations.Add((Measurement.CheckpointedMode(arguments.CheckpointIntervals[0]), 2, false));
            configurations.Add((Measurement.TelemetryMode(arguments.CheckpointIntervals[0]), 2, false));
        }
        else
        {
            foreach (var scramble in new[] { false, true })
            {
                configurations.Add(("dictionary", 1, scramble));
                configurations.Add(("dictionary-ref", 1, scramble));
                configurations.AddRange(arguments.Parallelisms.Select(p => ("grainflow", p, scramble)));
            }
        }
        var results = configurations.ToDictionary(c => c, _ => new List<Measurement>());

        Console.Error.WriteLine($"keyed count: {arguments.Records:N0} records over {arguments.Keys:N0} keys, {arguments.Runs} runs per configuration, {Environment.ProcessorCount} cores");
        for (var run = 1; run <= arguments.Runs; run++)
        {
            // Interleaved, so that a noisy moment of the machine hits every configuration alike.
            foreach (var configuration in configurations)
            {
                var measurement = await Measurement.MeasureInChildAsync(configuration.Mode, configuration.Parallelism, configuration.Scramble, arguments);
                results[configuration].Add(measurement);
                Console.Error.WriteLine($"  run {run}: {measurement.Name}: {measurement.RecordsPerSecond / 1e6:0.00} M records/s, {measurement.CpuSeconds * 1e9 / measurement.Records:0} ns CPU per record, peak {measurement.PeakBytes / (1 << 20)} MiB");
            }
        }

        Console.WriteLine("| configuration | median records/s | ratio to the plain loop (same key order) | median peak memory |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var configuration in configurations)
        {
            var ceiling = Statistics.Median(results[("dictionary", 1, configuration.Scramble)].Select(m => m.RecordsPerSecond));
            var measurements = results[configuration];
            var rate = Statistics.Median(measurements.Select(m => m.RecordsPerSecond));
            var peak = Statistics.Median(measurements.Select(m => (double)m.PeakBytes));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {measurements[0].Name} | {rate / 1e6:0.00} M | {rate / ceiling:0.00} | {peak / (1 << 20):0} MiB |"));
        }
        if (arguments.Suite == BenchArguments.MetricsOverhead)
        {
            var off = Statistics.Median(results[(Measurement.CheckpointedMode(arguments.CheckpointIntervals[0]), 2, false)].Select(m => m.RecordsPerSecond));
            var on = Statistics.Median(results[(Measurement.TelemetryMode(arguments.CheckpointIntervals[0]), 2, false)].Select(m => m.RecordsPerSecond));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"metrics and tracing on / off (of the medians): {on / off:0.000}"));
        }
        if (arguments.Suite == BenchArguments.CheckpointOverhead)
        {
            var baseline = results[("grainflow", 2, false)];
            var without = Statistics.Median(baseline.Select(m => m.RecordsPerSecond));
            var cpuWithout = Statistics.Median(baseline.Select(m => m.CpuSeconds / m.Records));
            Console.WriteLine();
            Console.WriteLine("| checkpoint interval | throughput with / without (of the medians) | CPU per record without / with | time a checkpoint costs the job: median of the runs (quartiles) | implied throughput ratio at one checkpoint per second |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var interval in arguments.CheckpointIntervals)
            {
                var checkpointed = results[(Measurement.CheckpointedMode(interval), 2, false)];
                var with = Statistics.Median(checkpointed.Select(m => m.RecordsPerSecond));
                var cpuWith = Statistics.Median(checkpointed.Select(m => m.CpuSeconds / m.Records));
                // Run n with checkpoints against run n without (interleaved, so they met the same moment
                // of the machine): the extra wall time divided among the checkpoints taken.
                var costs = checkpointed.Zip(baseline, (c, b) => (c.Seconds - b.Seconds) / Math.Max(1, c.CheckpointsCompleted)).ToList();
                var cost = Statistics.Median(costs);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {interval} | {with / without:0.00} | {cpuWithout * 1e9:0} ns / {cpuWith * 1e9:0} ns | {cost * 1e3:0.0} ms ({Statistics.Quantile(costs, 0.25) * 1e3:0.0} to {Statistics.Quantile(costs, 0.75) * 1e3:0.0} ms) | {1 / (1 + Math.Max(0, cost)):0.000} |"));
            }
        }
        return 0;
    }
}
