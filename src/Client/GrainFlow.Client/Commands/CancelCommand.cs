using System.CommandLine;
using GrainFlow.Jobs;
using GrainFlow.Savepoints;

namespace GrainFlow.Client.Commands;

/// <summary>
/// <c>grainflow cancel &lt;jobId&gt;</c> cancels a job (its checkpoint retention policy applies);
/// <c>grainflow cancel -s [dir] &lt;jobId&gt;</c> takes a savepoint first (deprecated in Flink in favour of stop). Flink's messages.
/// </summary>
internal static class CancelCommand
{
    public const string MissingJobId = "Missing JobID. Specify a JobID to cancel a job.";
    public const string DeprecationWarning = "DEPRECATION WARNING: Cancelling a job with savepoint is deprecated. Use \"stop\" instead.";

    public static Command Create(CliContext context)
    {
        var jobIdArgument = JobIdArgument.Create("The id of the job to cancel (32 hex digits).");
        var withSavepoint = OptionalValueOption.Create("--withSavepoint", "-s",
            "Take a savepoint first (deprecated: use stop); into this directory, or the job's execution.checkpointing.savepoint-dir.");

        var command = new Command("cancel", "Cancel a running job.") { jobIdArgument, withSavepoint };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var (jobIdText, directory) = OptionalValueOption.Split(parseResult, jobIdArgument, withSavepoint);
            var jobId = JobIdArgument.Require(jobIdText, MissingJobId);
            var output = context.Console.Out;
            if (OptionalValueOption.IsGiven(parseResult, withSavepoint))
            {
                output.WriteLine(DeprecationWarning);
                var target = SavepointWaiter.Location(directory);
                output.WriteLine(target is null
                    ? $"Cancelling job {jobId} with CANONICAL savepoint to default savepoint directory."
                    : $"Cancelling job {jobId} with CANONICAL savepoint to {target}.");
                await using var savepointConnection = await context.ConnectAsync(parseResult, cancellationToken);
                var manager = savepointConnection.Client.GetGrain<IJobManagerGrain>(jobId.Value);
                var failure = $"Could not cancel job {jobId}";
                var triggerId = await SavepointWaiter.TriggerAsync(manager, new SavepointRequest(target, Then: SavepointTermination.Cancel), failure, cancellationToken);
                var location = await SavepointWaiter.WaitAsync(manager, triggerId, output, failure, cancellationToken);
                output.WriteLine($"Cancelled job {jobId}. Savepoint stored in {location}.");
                return ExitCodes.Success;
            }

            output.WriteLine($"Cancelling job {jobId}.");
            await using var connection = await context.ConnectAsync(parseResult, cancellationToken);
            var status = await connection.Client.GetGrain<IJobManagerGrain>(jobId.Value).CancelAsync().WaitAsync(cancellationToken);
            output.WriteLine(status is JobStatus.Canceled or JobStatus.Cancelling
                ? $"Cancelled job {jobId}."
                : $"Job {jobId} had already ended with status {status.ToFlinkName()}; nothing to cancel.");
            return ExitCodes.Success;
        });
        return command;
    }
}
