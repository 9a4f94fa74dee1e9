using GrainFlow.Bench;

// dotnet run -c Release --project bench/GrainFlow.Bench -- [--records N] [--keys K] [--runs R] [--parallelism 1,2]
// Runs each measurement in its own process (so peak memory is per measurement), interleaving the
// configurations run by run, and prints medians and ratios as a markdown table. Other suites:
// --suite user-sessions|windows (issue 13, Windows/), checkpoint-overhead, metrics-overhead (issue 15), the large-state and per-key-grain ones.
if (GrainFlow.Bench.Windows.WindowArguments.IsWindowSuite(args)) return await GrainFlow.Bench.Windows.WindowSuites.RunAsync(args);
if (args.Length > 0 && args[0] == GrainFlow.Bench.Windows.WindowMeasurement.ChildCommand) return await GrainFlow.Bench.Windows.WindowSuites.RunChildAsync(args[1..]);
if (GrainFlow.Bench.LargeState.LargeStateArguments.IsLargeStateSuite(args)) return await GrainFlow.Bench.LargeState.LargeStateSuites.RunAsync(args);
return args.Length > 0 && args[0] == Measurement.ChildCommand
    ? await Measurement.RunChildAsync(args[1..])
    : GrainFlow.Bench.PerKeyGrain.PerKeyGrainBenchmark.Handles(args) ? await GrainFlow.Bench.PerKeyGrain.PerKeyGrainBenchmark.RunAsync(args)
    : await KeyedCountBenchmark.RunAsync(args);
