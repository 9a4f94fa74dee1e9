namespace GrainFlow.Bench;

/// <summary>The benchmark's options, with the defaults the issue asks for.</summary>
internal sealed record BenchArguments(long Records, long Keys, int Runs, int[] Parallelisms, string Suite, string[] CheckpointIntervals)
{
    public const string KeyedCount = "keyed-count";
    public const string CheckpointOverhead = "checkpoint-overhead";
    public const string MetricsOverhead = "metrics-overhead";
    public const string StateBackends = "state-backends";

    public static BenchArguments Parse(string[] args)
    {
        var result = new BenchArguments(20_000_000, 100_000, 3, [1, 2], KeyedCount, ["1 s"]);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            result = args[i] switch
            {
                "--records" => result with { Records = long.Parse(args[i + 1]) },
                "--keys" => result with { Keys = long.Parse(args[i + 1]) },
                "--runs" => result with { Runs = int.Parse(args[i + 1]) },
                "--parallelism" => result with { Parallelisms = args[i + 1].Split(',').Select(int.Parse).ToArray() },
                // Shorter intervals than the 1 s multiply the checkpoints per run, so that their cost
                // stands out of the run-to-run noise; the suite converts it back to one checkpoint per second.
                "--checkpoint-intervals" => result with { CheckpointIntervals = args[i + 1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) },
                "--suite" when args[i + 1] is KeyedCount or CheckpointOverhead or MetricsOverhead or StateBackends => result with { Suite = args[i + 1] },
                var unknown => throw new ArgumentException($"Unknown option or value '{unknown} {args[i + 1]}'. Use --records, --keys, --runs, --parallelism, --suite {KeyedCount}|{CheckpointOverhead}|{MetricsOverhead}|{StateBackends}, --checkpoint-intervals '1 s,100 ms'."),
            };
        }
        return result;
    }
}
