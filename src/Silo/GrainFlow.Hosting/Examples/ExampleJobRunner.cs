using GrainFlow.Jobs;
using GrainFlow.Silo.Hosting;
using Microsoft.Extensions.Hosting;

namespace GrainFlow.Silo.Examples;

/// <summary>
/// Runs one job once the silo is up (the <c>--run &lt;job&gt;</c> option), prints its progress and, for
/// the example jobs, their final counts; stops the silo afterwards when asked to.
/// </summary>
internal sealed class ExampleJobRunner(string jobName, bool exitWhenFinished, IGrainFactory grains, IHostApplicationLifetime lifetime, ILocalSiloDetails silo)
    : BackgroundService
{
    public int ExitCode { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WaitForStartAsync(stoppingToken);
        try
        {
            var jobId = await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey)
                .SubmitAsync(new JobSubmission(jobName, new Dictionary<string, string>()));
            Console.WriteLine($"Job has been submitted with JobID {jobId}");
            var manager = grains.GetGrain<IJobManagerGrain>(jobId.Value);
            var status = JobStatus.Created;
            while (!status.IsTerminal() && !stoppingToken.IsCancellationRequested)
            {
                status = await manager.WaitForTerminationAsync(TimeSpan.FromSeconds(10));
                if (!status.IsTerminal()) Console.WriteLine($"Job {jobId} is {status.ToFlinkName()}...");
            }
            // The silo is being stopped (SIGTERM, Ctrl+C) while the job runs: a normal stop, and the silo's log says what it leaves.
            if (!status.IsTerminal()) return;
            var details = await manager.GetDetailsAsync();
            var seconds = ((details.EndTime ?? DateTimeOffset.UtcNow) - details.StartTime).TotalSeconds;
            Console.WriteLine($"Job {jobId} ({jobName}) ended with status {status.ToFlinkName()} after {seconds:0.0} s.");
            if (details.Failure is { } failure) Console.WriteLine($"Cause: {failure.ExceptionType}: {failure.Message} (in {failure.Origin})");
            var output = ExampleSinks.DefaultOutputDirectory(jobId.Value);
            if (status == JobStatus.Finished && Directory.Exists(output)) ExampleResults.Print(output, Console.Out);
            ExitCode = status == JobStatus.Finished ? 0 : 1;
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            Console.Error.WriteLine($"Could not run job '{jobName}': {e.Message}");
            ExitCode = 1;
        }
        if (exitWhenFinished) lifetime.StopApplication();
        // The gateway as clients reach it: the configured (or advertised) port, not a default.
        else Console.WriteLine($"The silo keeps running (gateway {silo.GatewayAddress?.Endpoint}); try 'grainflow list -a'. Press Ctrl+C to stop it.");
    }

    private Task WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        stoppingToken.Register(() => started.TrySetCanceled());
        return started.Task;
    }
}
