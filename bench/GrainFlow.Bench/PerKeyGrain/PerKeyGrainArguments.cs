namespace GrainFlow.Bench.PerKeyGrain;

/// <summary>
/// Options of the per-key-grain suite. GrainFlow also runs on <see cref="Events"/>, enough for
/// several 1 s checkpoints; the baseline only on <see cref="BaselineEvents"/> (the first events of
/// the same sequence), since at its rate the larger count would take hours.
/// </summary>
internal sealed record PerKeyGrainArguments(long Events, long BaselineEvents, long Keys, int Concurrency, int Runs, string[] Backends)
{
    public static PerKeyGrainArguments Parse(string[] args)
    {
        var result = new PerKeyGrainArguments(20_000_000, 20_000, 10_000, 256, 3, [PerKeyGrainMeasurement.Azurite, PerKeyGrainMeasurement.File]);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            result = args[i] switch
            {
                "--suite" => result,
                "--events" => result with { Events = Positive(args[i], args[i + 1]) },
                "--baseline-events" => result with { BaselineEvents = Positive(args[i], args[i + 1]) },
                "--keys" => result with { Keys = Positive(args[i], args[i + 1]) },
                "--concurrency" => result with { Concurrency = (int)Positive(args[i], args[i + 1]) },
                "--runs" => result with { Runs = (int)Positive(args[i], args[i + 1]) },
                "--backends" => result with { Backends = ParseBackends(args[i + 1]) },
                var unknown => throw new ArgumentException(
                    $"Unknown option '{unknown}' for --suite {PerKeyGrainBenchmark.Suite}. Use --events, --baseline-events, --keys, --concurrency, --runs, "
                    + $"--backends {PerKeyGrainMeasurement.Azurite},{PerKeyGrainMeasurement.File}."),
            };
        }
        if (args.Length % 2 != 0) throw new ArgumentException($"Option '{args[^1]}' needs a value.");
        return result;
    }

    private static long Positive(string option, string value) => long.TryParse(value, out var n) && n > 0
        ? n
        : throw new ArgumentException($"{option} needs a positive whole number, not '{value}'.");

    private static string[] ParseBackends(string value)
    {
        var backends = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = backends.Where(b => b is not (PerKeyGrainMeasurement.Azurite or PerKeyGrainMeasurement.File)).ToList();
        if (backends.Length == 0 || unknown.Count > 0)
        {
            throw new ArgumentException($"--backends takes {PerKeyGrainMeasurement.Azurite} and/or {PerKeyGrainMeasurement.File}, comma-separated, not '{value}'.");
        }
        return backends;
    }
}
