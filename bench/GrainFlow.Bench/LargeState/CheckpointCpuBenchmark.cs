using System.Diagnostics;
using System.Globalization;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Silo.Hosting;
using GrainFlow.Testing.Network;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Bench.LargeState;

/// <summary>
/// The CPU a checkpoint costs, measured where nothing else moves: a job whose keyed state is built and
/// then left alone (parallelism 2, one 8-byte value per key), observed for a while with checkpoints
/// every 200 ms and without checkpoints. (CPU with − CPU without) / checkpoints is the cost of one
/// checkpoint — capture, serialization, write, acknowledgement, metadata and coordinator bookkeeping —
/// without copy-on-write (nothing writes) and without alignment stalls (no records flow).
/// </summary>
/// <remarks>
/// Throughput ratios (checkpoint-overhead) on this shared 2-core machine swing by more than the effect
/// they should show; CPU time per checkpoint does not depend on what else runs.
/// </remarks>
internal static class CheckpointCpuBenchmark
{
    public const string Suite = "checkpoint-cpu";

    public static async Task<int> RunAsync(string[] args)
    {
        var (keys, seconds, runs) = (100_000L, 20, 3);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--suite": break;
                case "--keys": keys = long.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'. Use --keys K, --seconds S, --runs R.");
            }
        }

        Console.Error.WriteLine($"checkpoint cpu: {keys:N0} keys, {seconds} s per measurement, {runs} runs, {Environment.ProcessorCount} cores");
        var costs = new List<double>();
        long stateSize = 0;
        for (var run = 1; run <= runs; run++)
        {
            var without = await MeasureAsync(keys, seconds, interval: null);
            var with = await MeasureAsync(keys, seconds, interval: "200 ms");
            stateSize = with.StateSize;
            var cost = (with.Cpu - without.Cpu).TotalMilliseconds / with.Checkpoints;
            costs.Add(cost);
            Console.Error.WriteLine($"  run {run}: {without.Cpu.TotalMilliseconds:0} ms CPU without, {with.Cpu.TotalMilliseconds:0} ms with {with.Checkpoints} checkpoints of {with.StateSize:N0} bytes: {cost:0.0} ms per checkpoint");
        }
        Console.WriteLine("| keys | state per checkpoint | CPU per checkpoint (median) | runs |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {keys:N0} | {stateSize / 1024.0:0} KiB | {Statistics.Median(costs):0.0} ms ({string.Join(", ", costs.Select(c => c.ToString("0.0", CultureInfo.InvariantCulture)))}) | {runs} |"));
        return 0;
    }

    private static async Task<(TimeSpan Cpu, int Checkpoints, long StateSize)> MeasureAsync(long keys, int seconds, string? interval)
    {
        var directory = Directory.CreateTempSubdirectory("grainflow-bench-cpu-").FullName;
        try
        {
            var builder = GrainFlowSilo.CreateBuilder(
                ["-D", $"grainflow.storage.dir={directory}", "-D", $"grainflow.silo.port={FreeLoopbackPort.Find()}", "-D", $"grainflow.gateway.port={FreeLoopbackPort.Find()}", "-D", "grainflow.rest.enabled=false"], out _, out _);
            builder.Services.AddSingleton(new JobRegistration(LargeStateJob.Name, _ => new LargeStateJob()));
            builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("GrainFlow", LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
            using var host = builder.Build();
            await host.StartAsync();
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var settings = new Dictionary<string, string> { ["keys"] = keys.ToString(CultureInfo.InvariantCulture), ["value-bytes"] = "8" };
            if (interval is not null)
            {
                settings["execution.checkpointing.interval"] = interval;
                settings["execution.checkpointing.mode"] = "EXACTLY_ONCE";
            }
            var jobId = await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).SubmitAsync(new JobSubmission(LargeStateJob.Name, settings, 2));
            var job = grains.GetGrain<IJobManagerGrain>(jobId.Value);
            for (var i = 0; i < 2; i++)
            {
                var source = grains.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "keys", i));
                while ((await source.GetMetricsAsync()).SourceOffsets.GetValueOrDefault($"keys-{i}") < keys / 2) await Task.Delay(100);
            }
            // Let the first checkpoints (and their one-time costs) pass before measuring.
            await Task.Delay(TimeSpan.FromSeconds(3));
            var before = interval is null ? 0 : (await job.GetCheckpointStatsAsync()).Completed;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var stats = interval is null ? null : await job.GetCheckpointStatsAsync();
            await job.CancelAsync();
            await host.StopAsync();
            return (used, (stats?.Completed ?? 0) - before, stats?.LatestCompleted?.StateSize ?? 0);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
