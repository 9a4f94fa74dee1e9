using System.CommandLine;
using GrainFlow.Client.Output;
using GrainFlow.Jobs;

namespace GrainFlow.Client.Commands;

/// <summary><c>grainflow checkpoints &lt;jobId&gt;</c>: the job's checkpoint counters, latest checkpoints and recent history.</summary>
internal static class CheckpointsCommand
{
    public const string MissingJobId = "Missing JobID. Specify a JobID to show the checkpoints of a job.";

    public static Command Create(CliContext context)
    {
        var jobIdArgument = JobIdArgument.Create("The job's id (32 hex digits, as printed by run and list).");

        var command = new Command("checkpoints", "Show a job's checkpoint statistics.") { jobIdArgument };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var jobId = JobIdArgument.Require(parseResult, jobIdArgument, MissingJobId);

            await using var connection = await context.ConnectAsync(parseResult, cancellationToken);
            var stats = await connection.Client.GetGrain<IJobManagerGrain>(jobId.Value).GetCheckpointStatsAsync().WaitAsync(cancellationToken);
            CheckpointStatsPrinter.Print(context.Console.Out, stats);
            return ExitCodes.Success;
        });
        return command;
    }
}
