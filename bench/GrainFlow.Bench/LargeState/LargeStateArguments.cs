using System.Globalization;

namespace GrainFlow.Bench.LargeState;

/// <summary>
/// Options of the large-state suites: state sizes, storages, runs per setting, and (checkpoint
/// duration) how many checkpoints of the whole state to take before the measured ones.
/// </summary>
internal sealed record LargeStateArguments(string Suite, long[] Sizes, string[] Storages, int Runs, int Warmup = 2)
{
    public const string CheckpointDuration = "checkpoint-duration";
    public const string RestoreTime = "restore-time";
    public const string SavepointFormats = "savepoint-formats";

    public static bool IsLargeStateSuite(string[] args)
    {
        var index = Array.IndexOf(args, "--suite");
        return index >= 0 && index + 1 < args.Length && args[index + 1] is CheckpointDuration or RestoreTime or SavepointFormats or CheckpointCpuBenchmark.Suite;
    }

    public static LargeStateArguments Parse(string[] args)
    {
        var suite = args[Array.IndexOf(args, "--suite") + 1];
        var result = new LargeStateArguments(suite, suite == RestoreTime ? [1L << 30] : suite == SavepointFormats ? [100L << 20, 1L << 30] : [10L << 20, 100L << 20, 1L << 30], ["local", "azurite"], 3);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            result = args[i] switch
            {
                "--suite" => result,
                "--sizes" => result with { Sizes = args[i + 1].Split(',').Select(ParseSize).ToArray() },
                "--storages" when args[i + 1].Split(',').All(s => s is "local" or "azurite") => result with { Storages = args[i + 1].Split(',') },
                "--runs" => result with { Runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--warmup" => result with { Warmup = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                var unknown => throw new ArgumentException($"Unknown option or value '{unknown} {args[i + 1]}'. Use --sizes 10MB,100MB,1GB, --storages local,azurite, --runs N, --warmup N."),
            };
        }
        return result;
    }

    public static string Format(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MiB");

    private static long ParseSize(string text)
    {
        var upper = text.Trim().ToUpperInvariant();
        var (digits, factor) = upper.EndsWith("GB", StringComparison.Ordinal) ? (upper[..^2], 1L << 30)
            : upper.EndsWith("MB", StringComparison.Ordinal) ? (upper[..^2], 1L << 20)
            : throw new ArgumentException($"'{text}' is not a size: use e.g. 10MB or 1GB.");
        return (long)(double.Parse(digits, CultureInfo.InvariantCulture) * factor);
    }
}
