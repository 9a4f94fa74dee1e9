using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Bench;

/// <summary>One measured run, made in a child process: records per second and the process's peak memory.</summary>
internal sealed record Measurement(string Name, double Seconds, long Records, long PeakBytes)
{
    public const string ChildCommand = "measure";

    public double RecordsPerSecond => Records / Seconds;

    /// <summary>Starts this program again as a child that makes one measurement and prints it as JSON.</summary>
    public static async Task<Measurement> MeasureInChildAsync(string mode, int parallelism, BenchArguments arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(Measurement).Assembly.Location);
        foreach (var arg in new[] { ChildCommand, mode, parallelism.ToString(), arguments.Records.ToString(), arguments.Keys.ToString() }) start.ArgumentList.Add(arg);
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
        var (mode, parallelism, records, keys) = (args[0], int.Parse(args[1]), long.Parse(args[2]), long.Parse(args[3]));
        var measurement = mode switch
        {
            "dictionary" => PlainLoop(records, keys, refAccess: false),
            "dictionary-ref" => PlainLoop(records, keys, refAccess: true),
            "grainflow" => await GrainFlowKeyedCountAsync(parallelism, records, keys),
            _ => throw new ArgumentException($"Unknown mode '{mode}'."),
        };
        Console.WriteLine(JsonSerializer.Serialize(measurement with { PeakBytes = Process.GetCurrentProcess().PeakWorkingSet64 }));
        return 0;
    }

    /// <summary>The ceiling: the same keyed count as a plain single-threaded loop over a Dictionary.</summary>
    private static Measurement PlainLoop(long records, long keys, bool refAccess)
    {
        var counts = new Dictionary<long, long>();
        var watch = Stopwatch.StartNew();
        for (long n = 0; n < records; n++)
        {
            var key = n % keys;
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
        return new Measurement(refAccess ? "Dictionary loop (CollectionsMarshal ref)" : "Dictionary loop (TryGetValue + set)", watch.Elapsed.TotalSeconds, records, 0);
    }

    /// <summary>keyed-count (generator → keyBy → count → discarding sink) on one in-process silo, submit to FINISHED.</summary>
    private static async Task<Measurement> GrainFlowKeyedCountAsync(int parallelism, long records, long keys)
    {
        using var data = new TempDirectory();
        var builder = GrainFlowSilo.CreateBuilder(
            ["-D", $"grainflow.storage.dir={data.Path}", "-D", $"grainflow.silo.port={FreePort()}", "-D", $"grainflow.gateway.port={FreePort()}"],
            out _, out _);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        using var host = builder.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var submission = new JobSubmission(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = records.ToString(),
            ["keys"] = keys.ToString(),
            ["sink"] = "discard",
        }, parallelism);

        var watch = Stopwatch.StartNew();
        var jobId = await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).SubmitAsync(submission);
        var status = await grains.GetGrain<IJobManagerGrain>(jobId.Value).WaitForTerminationAsync(TimeSpan.FromMinutes(10));
        watch.Stop();
        if (status != JobStatus.Finished) throw new InvalidOperationException($"keyed-count ended {status}.");
        await host.StopAsync();
        return new Measurement($"GrainFlow keyed-count, parallelism {parallelism}", watch.Elapsed.TotalSeconds, records, 0);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("grainflow-bench-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
