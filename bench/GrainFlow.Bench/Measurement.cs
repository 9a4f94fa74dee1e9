using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using GrainFlow.Testing.Network;

namespace GrainFlow.Bench;

/// <summary>One measured run, made in a child process: records per second and the process's peak memory.</summary>
/// <remarks>
/// <see cref="CpuSeconds"/> is the CPU time the process spent from submission to the end of the job: on a
/// machine that other work loads unevenly, CPU per record compares configurations where wall-clock rates cannot.
/// </remarks>
internal sealed record Measurement(string Name, double Seconds, long Records, long PeakBytes, double CpuSeconds = 0, long CheckpointsCompleted = 0)
{
    public const string ChildCommand = "measure";

    /// <summary>The mode of a keyed count with checkpoints every <c>interval</c> (Flink's duration syntax).</summary>
    public static string CheckpointedMode(string interval) => CheckpointedPrefix + interval;

    private const string CheckpointedPrefix = "grainflow-checkpointed@";
    private const string RocksDbPrefix = "rocksdb-checkpointed@";
    private const string RocksDbIncrementalPrefix = "rocksdb-incremental@";

    /// <summary>The keyed count on the RocksDB backend with full (canonical) or incremental checkpoints every <c>interval</c>.</summary>
    public static string RocksDbMode(string interval, bool incremental) => (incremental ? RocksDbIncrementalPrefix : RocksDbPrefix) + interval;

    /// <summary>The mode of a keyed count with checkpoints every <c>interval</c> and metrics and tracing exported (<see cref="TelemetryLoad"/>).</summary>
    public static string TelemetryMode(string interval) => TelemetryPrefix + interval;

    private const string TelemetryPrefix = "grainflow-telemetry@";

    public double RecordsPerSecond => Records / Seconds;

    /// <summary>Starts this program again as a child that makes one measurement and prints it as JSON.</summary>
    public static async Task<Measurement> MeasureInChildAsync(string mode, int parallelism, bool scramble, BenchArguments arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(Measurement).Assembly.Location);
        foreach (var arg in new[] { ChildCommand, mode, parallelism.ToString(), arguments.Records.ToString(), arguments.Keys.ToString(), scramble.ToString() }) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var stdout = await child.StandardOutput.ReadToEndAsync();
        var stderr = await child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        if (child.ExitCode != 0) throw new InvalidOperationException($"The {mode} measurement failed:\n{stdout}\n{stderr}");
        var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return JsonSerializer.Deserialize<Measurement>(last)!;
    }

    public static async Task<int> RunChildAsync(string[] args)
    {
        var (mode, parallelism, records, keys, scramble) = (args[0], int.Parse(args[1]), long.Parse(args[2]), long.Parse(args[3]), bool.Parse(args[4]));
        var measurement = mode switch
        {
            "dictionary" => PlainLoop(records, keys, scramble, refAccess: false),
            "dictionary-ref" => PlainLoop(records, keys, scramble, refAccess: true),
            "grainflow" => await GrainFlowKeyedCountAsync(parallelism, records, keys, scramble, checkpointInterval: null),
            _ when mode.StartsWith(CheckpointedPrefix, StringComparison.Ordinal) =>
                await GrainFlowKeyedCountAsync(parallelism, records, keys, scramble, checkpointInterval: mode[CheckpointedPrefix.Length..]),
            _ when mode.StartsWith(RocksDbPrefix, StringComparison.Ordinal) =>
                await GrainFlowKeyedCountAsync(parallelism, records, keys, scramble, checkpointInterval: mode[RocksDbPrefix.Length..], backend: "rocksdb"),
            _ when mode.StartsWith(RocksDbIncrementalPrefix, StringComparison.Ordinal) =>
                await GrainFlowKeyedCountAsync(parallelism, records, keys, scramble, checkpointInterval: mode[RocksDbIncrementalPrefix.Length..], backend: "rocksdb", incremental: true),
            _ when mode.StartsWith(TelemetryPrefix, StringComparison.Ordinal) =>
                await GrainFlowKeyedCountAsync(parallelism, records, keys, scramble, checkpointInterval: mode[TelemetryPrefix.Length..], telemetry: true),
            _ => throw new ArgumentException($"Unknown mode '{mode}'."),
        };
        Console.WriteLine(JsonSerializer.Serialize(measurement with { PeakBytes = Process.GetCurrentProcess().PeakWorkingSet64 }));
        return 0;
    }

    /// <summary>The ceiling: the same keyed count as a plain single-threaded loop over a Dictionary.</summary>
    private static Measurement PlainLoop(long records, long keys, bool scramble, bool refAccess)
    {
        var counts = new Dictionary<long, long>();
        var watch = Stopwatch.StartNew();
        for (long n = 0; n < records; n++)
        {
            var key = KeyedCountJob.KeyOf(n, keys, scramble);
            if (refAccess)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _)++;
            }
            else
            {
                counts.TryGetValue(key, out var count);
                counts[key] = count + 1;
            }
        }
        watch.Stop();
        if (counts.Values.Sum() != records) throw new InvalidOperationException("The plain loop miscounted.");
        return new Measurement($"{KeyOrder(scramble)}: Dictionary loop ({(refAccess ? "CollectionsMarshal ref" : "TryGetValue + set")})", watch.Elapsed.TotalSeconds, records, 0);
    }

    /// <summary>keyed-count (generator → keyBy → count → discarding sink) on one in-process silo, submit to FINISHED.</summary>
    private static string KeyOrder(bool scramble) => scramble ? "scrambled keys" : "keys in order";

    private static async Task<Measurement> GrainFlowKeyedCountAsync(int parallelism, long records, long keys, bool scramble, string? checkpointInterval, bool telemetry = false,
        string backend = "hashmap", bool incremental = false)
    {
        using var data = new TempDirectory();
        var restPort = 0;
        string[] rest = telemetry ? TelemetryLoad.Prepare(out restPort) : ["-D", "grainflow.rest.enabled=false"];
        var builder = GrainFlowSilo.CreateBuilder(
            ["-D", $"grainflow.storage.dir={data.Path}", "-D", $"grainflow.silo.port={FreeLoopbackPort.Find()}", "-D", $"grainflow.gateway.port={FreeLoopbackPort.Find()}", .. rest],
            out _, out _);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        using var host = builder.Build();
        await host.StartAsync();
        await using var load = telemetry ? TelemetryLoad.Start(restPort) : null;
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var settings = new Dictionary<string, string>
        {
            ["records"] = records.ToString(),
            ["keys"] = keys.ToString(),
            ["sink"] = "discard",
            ["scramble-keys"] = scramble.ToString(),
        };
        if (checkpointInterval is not null)
        {
            settings["execution.checkpointing.interval"] = checkpointInterval;
            settings["execution.checkpointing.mode"] = "EXACTLY_ONCE";
        }
        settings["state.backend.type"] = backend;
        settings["state.backend.rocksdb.localdir"] = Path.Combine(data.Path, "rocksdb");
        settings["execution.checkpointing.incremental"] = incremental ? "true" : "false";
        var submission = new JobSubmission(KeyedCountJob.Name, settings, parallelism);

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var jobId = await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).SubmitAsync(submission);
        // Waits of 20 s: a grain call gives up after 30 s, and a long run lasts longer than that.
        JobStatus status;
        do status = await grains.GetGrain<IJobManagerGrain>(jobId.Value).WaitForTerminationAsync(TimeSpan.FromSeconds(20));
        while (!status.IsTerminal() && watch.Elapsed < TimeSpan.FromMinutes(10));
        watch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        if (status != JobStatus.Finished) throw new InvalidOperationException($"keyed-count ended {status}.");
        // Not timed: the counts in keyed state must add up to every record, or the figure means nothing.
        long counted = 0;
        for (var i = 0; i < parallelism; i++)
        {
            var entries = await grains.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "count", i)).GetKeyedStateAsync("count", KeyedCountJob.CountPerKey.StateName);
            counted += entries.Sum(e => long.Parse(e.Value));
        }
        if (counted != records) throw new InvalidOperationException($"keyed-count counted {counted} records of {records}.");
        var completed = checkpointInterval is null ? 0 : (await grains.GetGrain<IJobManagerGrain>(jobId.Value).GetCheckpointStatsAsync()).Completed;
        await host.StopAsync();
        var name = checkpointInterval is null
            ? $"{KeyOrder(scramble)}: GrainFlow keyed-count, parallelism {parallelism}"
            : $"{KeyOrder(scramble)}: GrainFlow keyed-count on {backend}, parallelism {parallelism}, EXACTLY_ONCE {(incremental ? "incremental " : "")}checkpoints every {checkpointInterval} ({completed} completed)"
                + (load is null ? "" : $", metrics and tracing exported ({load.Scrapes} scrapes)");
        return new Measurement(name, watch.Elapsed.TotalSeconds, records, 0, cpu.TotalSeconds, completed);
    }


    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("grainflow-bench-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
