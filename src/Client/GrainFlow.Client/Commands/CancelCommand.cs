using System.CommandLine;
using GrainFlow.Jobs;

namespace GrainFlow.Client.Commands;

/// <summary><c>grainflow cancel &lt;jobId&gt;</c>: cancels a job, with Flink's messages.</summary>
internal static class CancelCommand
{
    public const string MissingJobId = "Missing JobID. Specify a JobID to cancel a job.";

    public static Command Create(CliContext context)
    {
        var jobIdArgument = JobIdArgument.Create("The id of the job to cancel (32 hex digits).");

        var command = new Command("cancel", "Cancel a running job.") { jobIdArgument };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var jobId = JobIdArgument.Require(parseResult, jobIdArgument, MissingJobId);
            var output = context.Console.Out;
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
