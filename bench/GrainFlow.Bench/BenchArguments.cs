namespace GrainFlow.Bench;

/// <summary>The benchmark's options, with the defaults the issue asks for.</summary>
internal sealed record BenchArguments(long Records, long Keys, int Runs, int[] Parallelisms, string Suite)
{
    public const string KeyedCount = "keyed-count";
    public const string CheckpointOverhead = "checkpoint-overhead";

    public static BenchArguments Parse(string[] args)
    {
        var result = new BenchArguments(20_000_000, 100_000, 3, [1, 2], KeyedCount);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            result = args[i] switch
            {
                "--records" => result with { Records = long.Parse(args[i + 1]) },
                "--keys" => result with { Keys = long.Parse(args[i + 1]) },
                "--runs" => result with { Runs = int.Parse(args[i + 1]) },
                "--parallelism" => result with { Parallelisms = args[i + 1].Split(',').Select(int.Parse).ToArray() },
                "--suite" when args[i + 1] is KeyedCount or CheckpointOverhead => result with { Suite = args[i + 1] },
                var unknown => throw new ArgumentException($"Unknown option or value '{unknown} {args[i + 1]}'. Use --records, --keys, --runs, --parallelism, --suite {KeyedCount}|{CheckpointOverhead}."),
            };
        }
        return result;
    }
}
