using System.Diagnostics;
using GrainFlow.Checkpoints;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Silo.Hosting;
using GrainFlow.Testing.Network;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Bench.Windows;

/// <summary>
/// What one job run on an in-process silo took: wall and CPU time from submission to FINISHED, its checkpoints, and the
/// time the garbage collector paused the process meanwhile (with how many full collections), which shows what the live state costs.
/// </summary>
internal sealed record JobRunResult(double Seconds, double CpuSeconds, IReadOnlyList<CheckpointStatistics> Checkpoints, double GcPauseSeconds, int Gen2Collections)
{
    /// <summary>Seconds from 10 % to 90 % of the job's output, when the run was given a way to see its progress; 0 otherwise.</summary>
    public double SteadySeconds { get; init; }
}

/// <summary>How far a run's output has come: <see cref="Done"/> against <see cref="Expected"/>, read while it runs.</summary>
internal sealed record RunProgress(Func<long> Done, long Expected);

/// <summary>Runs one job to FINISHED on a fresh in-process silo with its data in a temporary directory (deleted afterwards).</summary>
internal static class JobRun
{
    public static async Task<JobRunResult> RunAsync(JobSubmission submission, string? checkpointInterval, RunProgress? progress = null)
    {
        var directory = Directory.CreateTempSubdirectory("grainflow-bench-windows-").FullName;
        try
        {
            var builder = GrainFlowSilo.CreateBuilder(
                ["-D", $"grainflow.storage.dir={directory}", "-D", $"grainflow.silo.port={FreeLoopbackPort.Find()}", "-D", $"grainflow.gateway.port={FreeLoopbackPort.Find()}", "-D", "grainflow.rest.enabled=false"],
                out _, out _);
            builder.Services.AddSingleton(new JobRegistration(WindowCountJob.Name, _ => new WindowCountJob()));
            builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
            using var host = builder.Build();
            await host.StartAsync();
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var settings = new Dictionary<string, string>(submission.Configuration);
            if (checkpointInterval is not null)
            {
                settings["execution.checkpointing.interval"] = checkpointInterval;
                settings["execution.checkpointing.mode"] = "EXACTLY_ONCE";
            }

            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var gcPauseBefore = GC.GetTotalPauseDuration();
            var gen2Before = GC.CollectionCount(2);
            var watch = Stopwatch.StartNew();
            using var sampling = new CancellationTokenSource();
            var steady = progress is null ? Task.FromResult(0.0) : SteadySecondsAsync(progress, watch, sampling.Token);
            var jobId = await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).SubmitAsync(submission with { Configuration = settings });
            var manager = grains.GetGrain<IJobManagerGrain>(jobId.Value);
            // Waits of 20 s: a grain call gives up after 30 s, and a run lasts longer than that. On the shared
            // machine the silo's thread pool has stalled for over 30 s (GC of a 1 GB heap, starved cores): a wait
            // that timed out is asked again, since the job itself goes on.
            var status = JobStatus.Running;
            do
            {
                try { status = await manager.WaitForTerminationAsync(TimeSpan.FromSeconds(20)); }
                catch (TimeoutException) { }
            }
            while (!status.IsTerminal() && watch.Elapsed < TimeSpan.FromMinutes(60));
            watch.Stop();
            await sampling.CancelAsync();
            var steadySeconds = await steady;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var gcPause = GC.GetTotalPauseDuration() - gcPauseBefore;
            var gen2Collections = GC.CollectionCount(2) - gen2Before;
            if (status != JobStatus.Finished) throw new InvalidOperationException($"{submission.JobName} ended {status}.");
            var checkpoints = checkpointInterval is null ? [] : (await manager.GetCheckpointStatsAsync()).History.Where(c => c.Status == CheckpointStatus.Completed).ToList();
            await host.StopAsync();
            return new JobRunResult(watch.Elapsed.TotalSeconds, cpu.TotalSeconds, checkpoints, gcPause.TotalSeconds, gen2Collections) { SteadySeconds = steadySeconds };
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The time the run took from 10 % to 90 % of its output, sampled every 10 ms: the rate without the
    /// job's start (deployment, and the first second's code not yet compiled optimized) and its end.
    /// </summary>
    private static async Task<double> SteadySecondsAsync(RunProgress progress, Stopwatch watch, CancellationToken stop)
    {
        double? from = null;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var done = progress.Done();
                if (from is null && done >= progress.Expected / 10) from = watch.Elapsed.TotalSeconds;
                if (done >= progress.Expected - progress.Expected / 10) return watch.Elapsed.TotalSeconds - from!.Value;
            }
        }
        catch (OperationCanceledException)
        {
        }
        return 0;
    }
}
