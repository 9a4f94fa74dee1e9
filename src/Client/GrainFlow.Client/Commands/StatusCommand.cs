using System.CommandLine;
using GrainFlow.Client.Output;
using GrainFlow.Jobs;

namespace GrainFlow.Client.Commands;

/// <summary><c>grainflow status &lt;jobId&gt;</c>: one job's state, its vertices and its failure cause.</summary>
internal static class StatusCommand
{
    public const string MissingJobId = "Missing JobID. Specify a JobID to show the status of a job.";

    public static Command Create(CliContext context)
    {
        var jobIdArgument = JobIdArgument.Create("The job's id (32 hex digits, as printed by run and list).");

        var command = new Command("status", "Show the details of one job.") { jobIdArgument };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var jobId = JobIdArgument.Require(parseResult, jobIdArgument, MissingJobId);

            await using var connection = await context.ConnectAsync(parseResult, cancellationToken);
            var details = await connection.Client.GetGrain<IJobManagerGrain>(jobId.Value).GetDetailsAsync().WaitAsync(cancellationToken);
            JobDetailsPrinter.Print(context.Console.Out, details, context.IsVerbose(parseResult));
            return ExitCodes.Success;
        });
        return command;
    }
}
