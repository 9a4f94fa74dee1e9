namespace GrainFlow.Bench.Windows;

/// <summary>
/// Options of the <c>user-sessions</c> and <c>windows</c> suites, defaulting to issue 13 §5: 20 M events of 1 M users, checkpoints
/// every 10 s, on the heap backend (<c>--state-backend rocksdb</c>, <c>--incremental true</c>: RocksDB's own checkpoints).
/// </summary>
internal sealed record WindowArguments(string Suite, long Events, long Users, long IntervalMs, int Runs, int Parallelism, string CheckpointInterval, WindowKind[] Kinds,
    string StateBackend = "hashmap", bool Incremental = false, string? WatermarkInterval = null, string? Alignment = null, string? AlignmentUpdate = null)
{
    public const string UserSessions = "user-sessions";
    public const string Windows = "windows";

    public static bool IsWindowSuite(string[] args) => args.Length >= 2 && args[0] == "--suite" && args[1] is UserSessions or Windows;

    public static WindowArguments Parse(string[] args)
    {
        var result = new WindowArguments(args[1], 20_000_000, 1_000_000, 1, 3, 1, "10 s", Enum.GetValues<WindowKind>());
        for (var i = 2; i + 1 < args.Length; i += 2)
        {
            result = args[i] switch
            {
                "--events" => result with { Events = long.Parse(args[i + 1]) },
                "--users" => result with { Users = long.Parse(args[i + 1]) },
                "--interval-ms" => result with { IntervalMs = long.Parse(args[i + 1]) },
                "--runs" => result with { Runs = int.Parse(args[i + 1]) },
                "--parallelism" => result with { Parallelism = int.Parse(args[i + 1]) },
                "--checkpoint-interval" => result with { CheckpointInterval = args[i + 1] },
                "--windows" => result with { Kinds = args[i + 1].Split(',').Select(k => Enum.Parse<WindowKind>(k, ignoreCase: true)).ToArray() },
                "--state-backend" => result with { StateBackend = args[i + 1] },
                "--incremental" => result with { Incremental = bool.Parse(args[i + 1]) },
                "--watermark-interval" => result with { WatermarkInterval = args[i + 1] },
                "--alignment" => result with { Alignment = args[i + 1] },
                "--alignment-update" => result with { AlignmentUpdate = args[i + 1] },
                var unknown => throw new ArgumentException(
                    $"Unknown option or value '{unknown} {args[i + 1]}'. Use --events, --users, --interval-ms, --runs, --parallelism, --checkpoint-interval '10 s', --windows tumbling,sliding,session, --state-backend hashmap|rocksdb, --incremental true|false, --watermark-interval '200 ms', --alignment '20 s' (the window suites' sources align their watermarks within that drift), --alignment-update '20 ms'."),
            };
        }
        return result;
    }

    /// <summary>
    /// The job settings that choose the state backend and, when given, <c>pipeline.auto-watermark-interval</c> (Flink's 200 ms
    /// otherwise); the same with and without checkpoints, so the ratio compares checkpoints alone.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> BackendSettings() =>
    [
        new("state.backend.type", StateBackend),
        new("execution.checkpointing.incremental", Incremental ? "true" : "false"),
        .. WatermarkInterval is null ? Array.Empty<KeyValuePair<string, string>>() : [new("pipeline.auto-watermark-interval", WatermarkInterval)],
    ];

    /// <summary>How the measurement names the backend.</summary>
    public string DescribeBackend() => StateBackend == "hashmap" ? "" : $", {StateBackend}{(Incremental ? " (incremental)" : "")}";
}
