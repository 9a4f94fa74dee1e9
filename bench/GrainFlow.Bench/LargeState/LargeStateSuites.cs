namespace GrainFlow.Bench.LargeState;

/// <summary>Entry point of the suites in this folder: checkpoint duration and restore time (issue 4, b and c), the CPU cost of a checkpoint, and canonical against native savepoints, incremental against full RocksDB checkpoints.</summary>
internal static class LargeStateSuites
{
    public static Task<int> RunAsync(string[] args)
    {
        if (args[Array.IndexOf(args, "--suite") + 1] == CheckpointCpuBenchmark.Suite) return CheckpointCpuBenchmark.RunAsync(args);
        var arguments = LargeStateArguments.Parse(args);
        return arguments.Suite switch
        {
            LargeStateArguments.RestoreTime => RestoreTimeBenchmark.RunAsync(arguments),
            LargeStateArguments.SavepointFormats => SavepointFormatBenchmark.RunAsync(arguments),
            LargeStateArguments.IncrementalCheckpoints => IncrementalCheckpointBenchmark.RunAsync(arguments),
            _ => CheckpointDurationBenchmark.RunAsync(arguments),
        };
    }
}
