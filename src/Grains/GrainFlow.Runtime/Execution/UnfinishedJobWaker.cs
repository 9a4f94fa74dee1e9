using GrainFlow.Jobs;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// Calls the job manager of every unfinished job in the registry (<see cref="IJobMasterGrain.CheckSubtasksAsync"/>):
/// a job manager lost with its silo is reactivated from its persisted record and resumes what the
/// record says; a living one checks its subtasks at once. Idempotent, so waking twice merely checks twice.
/// </summary>
internal sealed partial class UnfinishedJobWaker(IGrainFactory grains, ILogger<UnfinishedJobWaker> logger)
{
    private const int WakeAttempts = 5;

    /// <summary>Retries the job managers that could not be reached (their directory entry may still name a dead silo), for a few rounds.</summary>
    /// <param name="occasion">Why the jobs are woken, for the log.</param>
    public async Task WakeAllAsync(string occasion, CancellationToken cancellationToken)
    {
        List<JobId>? pending = null;
        for (var attempt = 1; attempt <= WakeAttempts && !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                pending ??= (await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync())
                    .Where(j => !j.Status.IsTerminal())
                    .Select(j => j.JobId)
                    .ToList();
                if (attempt == 1 && pending.Count > 0) LogWaking(pending.Count, occasion);
                var results = await Task.WhenAll(pending.Select(async job => (job, Error: await TryWakeAsync(job))));
                pending = results.Where(r => r.Error is not null).Select(r => r.job).ToList();
                if (pending.Count == 0) return;
                LogWakeRetry(occasion, pending.Count, attempt, results.First(r => r.Error is not null).Error!.Message);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogWakeRetry(occasion, pending?.Count ?? -1, attempt, e.Message);
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<Exception?> TryWakeAsync(JobId job)
    {
        try
        {
            await grains.GetGrain<IJobMasterGrain>(job.Value).CheckSubtasksAsync();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waking the job managers of {Count} unfinished job(s) {Occasion}")]
    private partial void LogWaking(int count, string occasion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waking job managers {Occasion}: {Pending} not reached yet (round {Attempt}): {Message}")]
    private partial void LogWakeRetry(string occasion, int pending, int attempt, string message);
}
