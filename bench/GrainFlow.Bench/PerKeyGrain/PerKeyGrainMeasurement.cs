using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using GrainFlow.Hosting;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Hosting;
using GrainFlow.Storage.AzureBlob;
using GrainFlow.Storage.GrainState;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using GrainFlow.Testing.Network;

namespace GrainFlow.Bench.PerKeyGrain;

/// <summary>
/// One measurement of the per-key-grain suite, made in a child process on one in-process silo that
/// is the same for both sides: GrainFlow's data store and the counter grains' storage on the same
/// backend (a directory on the local disk, or Azurite).
/// </summary>
internal static class PerKeyGrainMeasurement
{
    public const string ChildCommand = "measure-per-key-grain";
    public const string Baseline = "per-key-grains";
    public const string GrainFlow = "grainflow";
    public const string Azurite = "azurite";
    public const string File = "file";

    /// <summary>Starts this program again as a child that makes one measurement and prints it as JSON.</summary>
    public static async Task<PerKeyGrainResult> MeasureInChildAsync(string mode, string backend, long events, long keys, int concurrency, string? azuriteConnectionString)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(PerKeyGrainMeasurement).Assembly.Location);
        foreach (var arg in new[] { ChildCommand, mode, backend, events.ToString(), keys.ToString(), concurrency.ToString(), azuriteConnectionString ?? "-" })
        {
            start.ArgumentList.Add(arg);
        }
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        if (child.ExitCode != 0) throw new InvalidOperationException($"The {mode} measurement on {backend} failed:\n{await stdout}\n{await stderr}");
        var last = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return JsonSerializer.Deserialize<PerKeyGrainResult>(last)!;
    }

    public static async Task<int> RunChildAsync(string[] args)
    {
        var (mode, backend, events, keys, concurrency) = (args[0], args[1], long.Parse(args[2]), long.Parse(args[3]), int.Parse(args[4]));
        var connectionString = args[5] == "-" ? null : args[5];
        using var data = new TempDirectory();
        using var host = BuildSilo(backend, data.Path, connectionString);
        await host.StartAsync();
        var measurement = mode switch
        {
            Baseline => await PerKeyGrainsAsync(host.Services, backend, events, keys, concurrency),
            GrainFlow => await GrainFlowKeyedCountAsync(host.Services, backend, events, keys),
            _ => throw new ArgumentException($"Unknown mode '{mode}': use {Baseline} or {GrainFlow}."),
        };
        await host.StopAsync();
        Console.WriteLine(JsonSerializer.Serialize(measurement with { PeakBytes = Process.GetCurrentProcess().PeakWorkingSet64 }));
        return 0;
    }

    /// <summary>A GrainFlow silo whose data store (job records, checkpoints) and counter-grain storage are both on <paramref name="backend"/>.</summary>
    private static IHost BuildSilo(string backend, string directory, string? azuriteConnectionString)
    {
        var arguments = new List<string> { "-D", $"grainflow.silo.port={FreeLoopbackPort.Find()}", "-D", $"grainflow.gateway.port={FreeLoopbackPort.Find()}", "-D", "grainflow.rest.enabled=false" };
        var run = Guid.NewGuid().ToString("N")[..12];
        if (backend == Azurite)
        {
            arguments.AddRange(["-D", "grainflow.storage.type=AZURE_BLOB", "-D", $"grainflow.storage.azure.connection-string={azuriteConnectionString}",
                "-D", $"grainflow.storage.azure.container=bench-grainflow-{run}"]);
        }
        else
        {
            arguments.AddRange(["-D", $"grainflow.storage.dir={Path.Combine(directory, "grainflow")}"]);
        }
        var builder = GrainFlowSilo.CreateBuilder(arguments.ToArray(), out _, out _);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            if (backend == Azurite)
            {
                silo.AddGrainFlowBlobGrainStorage(CounterGrain.StorageName, () => AzureBlobObjectStore.CreateServiceClient(azuriteConnectionString!),
                    $"bench-counts-{run}");
            }
            else
            {
                silo.AddFileGrainStorage(CounterGrain.StorageName, (FileGrainStorageOptions o) => o.RootDirectory = Path.Combine(directory, "counts"));
            }
        });
        return builder.Build();
    }

    /// <summary>
    /// What an Orleans developer writes today: event n is <c>grain(n mod keys).IncrementAsync()</c>,
    /// which writes the grain's state before it returns, with <paramref name="concurrency"/> calls in flight.
    /// </summary>
    private static async Task<PerKeyGrainResult> PerKeyGrainsAsync(IServiceProvider services, string backend, long events, long keys, int concurrency)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        // Not timed: every key's grain activated (its state read) first, so the figure is the steady state of a warm application.
        await ForAllAsync(Math.Min(keys, events), concurrency, k => grains.GetGrain<ICounterGrain>(k).GetCountAsync());

        var watch = Stopwatch.StartNew();
        await ForAllAsync(events, concurrency, n => grains.GetGrain<ICounterGrain>(KeyedCountJob.KeyOf(n, keys, scramble: false)).IncrementAsync());
        watch.Stop();

        // Not timed: the counts, in memory and in grain storage, must be exactly the events of each key.
        var storage = services.GetRequiredKeyedService<IGrainStorage>(CounterGrain.StorageName);
        var wrong = new System.Collections.Concurrent.ConcurrentBag<string>();
        await ForAllAsync(Math.Min(keys, events), concurrency, async k =>
        {
            var grain = grains.GetGrain<ICounterGrain>(k);
            var expected = ExpectedCount(k, events, keys);
            var inMemory = await grain.GetCountAsync();
            // Read from storage by the provider itself (a fresh state object, not the grain's).
            var stored = new GrainState<CounterState>();
            await storage.ReadStateAsync(CounterGrain.StateName, grain.GetGrainId(), stored);
            var durable = stored.RecordExists ? stored.State!.Count : 0;
            if (inMemory != expected || durable != expected) wrong.Add($"key {k}: {inMemory} in memory, {durable} stored, {expected} expected");
        });
        if (!wrong.IsEmpty) throw new InvalidOperationException($"The per-key grains miscounted {wrong.Count} keys, e.g. {string.Join("; ", wrong.Take(5))}.");
        return new PerKeyGrainResult($"{backend}: Orleans grain per key, WriteStateAsync per event, {concurrency} calls in flight",
            watch.Elapsed.TotalSeconds, events, 0, null);
    }

    /// <summary>keyed-count (generator → keyBy → count → discarding sink) at parallelism 2, EXACTLY_ONCE checkpoints every 1 s, submit to FINISHED.</summary>
    private static async Task<PerKeyGrainResult> GrainFlowKeyedCountAsync(IServiceProvider services, string backend, long events, long keys)
    {
        const int parallelism = 2;
        var grains = services.GetRequiredService<IGrainFactory>();
        var submission = new JobSubmission(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = events.ToString(),
            ["keys"] = keys.ToString(),
            ["sink"] = "discard",
            ["execution.checkpointing.interval"] = "1 s",
            ["execution.checkpointing.mode"] = "EXACTLY_ONCE",
        }, parallelism);

        var watch = Stopwatch.StartNew();
        var jobId = await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).SubmitAsync(submission);
        var status = await grains.GetGrain<IJobManagerGrain>(jobId.Value).WaitForTerminationAsync(TimeSpan.FromMinutes(10));
        watch.Stop();
        if (status != JobStatus.Finished) throw new InvalidOperationException($"keyed-count ended {status}.");

        // Not timed: every key's count in keyed state must be exactly its events.
        var counts = new Dictionary<long, long>();
        for (var i = 0; i < parallelism; i++)
        {
            foreach (var entry in await grains.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "count", i)).GetKeyedStateAsync("count", KeyedCountJob.CountPerKey.StateName))
            {
                counts[long.Parse(entry.Key)] = long.Parse(entry.Value);
            }
        }
        var wrong = Enumerable.Range(0, (int)Math.Min(keys, events)).Where(k => counts.GetValueOrDefault(k) != ExpectedCount(k, events, keys)).ToList();
        if (wrong.Count > 0 || counts.Count != Math.Min(keys, events)) throw new InvalidOperationException($"keyed-count miscounted {wrong.Count} of {counts.Count} keys.");
        var completed = (await grains.GetGrain<IJobManagerGrain>(jobId.Value).GetCheckpointStatsAsync()).Completed;
        return new PerKeyGrainResult($"{backend}: GrainFlow keyed-count, parallelism {parallelism}, EXACTLY_ONCE checkpoints every 1 s",
            watch.Elapsed.TotalSeconds, events, 0, completed);
    }

    /// <summary>How many of the events 0 … events-1 have key <paramref name="key"/> (event n has key n mod keys).</summary>
    private static long ExpectedCount(long key, long events, long keys) => events / keys + (key < events % keys ? 1 : 0);

    /// <summary>Runs <paramref name="action"/> for 0 … count-1 with at most <paramref name="concurrency"/> calls in flight.</summary>
    private static Task ForAllAsync(long count, int concurrency, Func<long, Task> action)
    {
        var next = -1L;
        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var n = Interlocked.Increment(ref next); n < count; n = Interlocked.Increment(ref next)) await action(n);
        }));
    }


    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("grainflow-bench-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
