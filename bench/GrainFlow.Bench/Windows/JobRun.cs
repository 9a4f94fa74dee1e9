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
internal sealed record JobRunResult(double Seconds, double CpuSeconds, IReadOnlyList<CheckpointStatistics> Checkpoints, double GcPauseSeconds, int Gen2Collections);

/// <summary>Runs one job to FINISHED on a fresh in-process silo with its data in a temporary directory (deleted afterwards).</summary>
internal static class JobRun
{
    public static async Task<JobRunResult> RunAsync(JobSubmission submission, string? checkpointInterval)
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
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var gcPause = GC.GetTotalPauseDuration() - gcPauseBefore;
            var gen2Collections = GC.CollectionCount(2) - gen2Before;
            if (status != JobStatus.Finished) throw new InvalidOperationException($"{submission.JobName} ended {status}.");
            var checkpoints = checkpointInterval is null ? [] : (await manager.GetCheckpointStatsAsync()).History.Where(c => c.Status == CheckpointStatus.Completed).ToList();
            await host.StopAsync();
            return new JobRunResult(watch.Elapsed.TotalSeconds, cpu.TotalSeconds, checkpoints, gcPause.TotalSeconds, gen2Collections);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
