namespace GrainFlow.Bench.LargeState;

/// <summary>Entry point of the large-state suites (issue 4, benchmarks b and c).</summary>
internal static class LargeStateSuites
{
    public static Task<int> RunAsync(string[] args)
    {
        var arguments = LargeStateArguments.Parse(args);
        return arguments.Suite == LargeStateArguments.RestoreTime
            ? RestoreTimeBenchmark.RunAsync(arguments)
            : CheckpointDurationBenchmark.RunAsync(arguments);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
