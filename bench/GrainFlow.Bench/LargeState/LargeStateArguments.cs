using System.Globalization;

namespace GrainFlow.Bench.LargeState;

/// <summary>
/// Options of the large-state suites: state sizes, storages, runs per setting, and (checkpoint
/// duration) how many checkpoints of the whole state to take before the measured ones (by default
/// depending on the size, see <see cref="WarmupFor"/>).
/// </summary>
/// <param name="Backend">The state backend (<c>state.backend.type</c>): hashmap or rocksdb.</param>
/// <param name="Incremental">Incremental checkpoints (<c>execution.checkpointing.incremental</c>, RocksDB only).</param>
/// <param name="LocalRecovery">Local recovery (<c>execution.state-recovery.from-local</c>, RocksDB only): a restore reads the subtask's local copy.</param>
internal sealed record LargeStateArguments(string Suite, long[] Sizes, string[] Storages, int Runs, int? Warmup = null, string Backend = "hashmap", bool Incremental = false,
    string[]? ModesGiven = null, bool LocalRecovery = false)
{
    /// <summary>The incremental-checkpoints suite's settings, in order: full, incremental or both.</summary>
    public string[] Modes => ModesGiven ?? ["full", "incremental"];

    // A fresh process serializes faster checkpoint after checkpoint until the JIT has promoted the
    // hot paths and the heap has settled: 30 checkpoints of 10 MB in one process took 63, 23, 22,
    // then 11-16 ms, and 9-12 ms from the 20th on, while a 100 MB one was steady from the third. That
    // is a number of calls, not of bytes, so small states need more warm-up checkpoints.
    private const long WarmupBytes = 256L << 20;
    private const int MinimumWarmup = 2;
    private const int MaximumWarmup = 20;

    public const string CheckpointDuration = "checkpoint-duration";
    public const string RestoreTime = "restore-time";
    public const string SavepointFormats = "savepoint-formats";
    public const string IncrementalCheckpoints = "incremental-checkpoints";

    public static bool IsLargeStateSuite(string[] args)
    {
        var index = Array.IndexOf(args, "--suite");
        return index >= 0 && index + 1 < args.Length && args[index + 1] is CheckpointDuration or RestoreTime or SavepointFormats or IncrementalCheckpoints or CheckpointCpuBenchmark.Suite;
    }

    public static LargeStateArguments Parse(string[] args)
    {
        var suite = args[Array.IndexOf(args, "--suite") + 1];
        var result = suite switch
        {
            RestoreTime => new LargeStateArguments(suite, [1L << 30], ["local", "azurite"], 3),
            SavepointFormats => new LargeStateArguments(suite, [100L << 20, 1L << 30], ["local", "azurite"], 3),
            IncrementalCheckpoints => new LargeStateArguments(suite, [2L << 30], ["local"], 5, Warmup: 1, Backend: "rocksdb"),
            _ => new LargeStateArguments(suite, [10L << 20, 100L << 20, 1L << 30], ["local", "azurite"], 3),
        };
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            result = args[i] switch
            {
                "--suite" => result,
                "--sizes" => result with { Sizes = args[i + 1].Split(',').Select(ParseSize).ToArray() },
                "--storages" when args[i + 1].Split(',').All(s => s is "local" or "azurite") => result with { Storages = args[i + 1].Split(',') },
                "--runs" => result with { Runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--warmup" => result with { Warmup = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--backend" when args[i + 1] is "hashmap" or "rocksdb" => result with { Backend = args[i + 1] },
                "--modes" when args[i + 1].Split(',').All(m => m is "full" or "incremental") => result with { ModesGiven = args[i + 1].Split(',') },
                "--incremental" when bool.TryParse(args[i + 1], out var incremental) => result with { Incremental = incremental },
                "--local-recovery" when bool.TryParse(args[i + 1], out var local) => result with { LocalRecovery = local },
                var unknown => throw new ArgumentException($"Unknown option or value '{unknown} {args[i + 1]}'. Use --sizes 10MB,100MB,1GB, --storages local,azurite, --runs N, --warmup N (default: 20 checkpoints at 10 MB, 3 at 100 MB, 2 at 1 GB), --backend hashmap|rocksdb, --incremental true|false, --local-recovery true|false, --modes full,incremental."),
            };
        }
        return result;
    }

    /// <summary>The warm-up checkpoints for a state of <paramref name="stateBytes"/>: as given, or enough for about 256 MiB to go through the serializer (2 to 20).</summary>
    public int WarmupFor(long stateBytes) =>
        Warmup ?? (int)Math.Clamp((WarmupBytes + stateBytes - 1) / stateBytes, MinimumWarmup, MaximumWarmup);

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
