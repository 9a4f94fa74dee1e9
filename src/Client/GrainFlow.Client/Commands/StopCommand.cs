using System.CommandLine;
using GrainFlow.Jobs;
using GrainFlow.Savepoints;

namespace GrainFlow.Client.Commands;

/// <summary>
/// <c>grainflow stop &lt;jobId&gt; [-p [dir]] [-d] [--type] [--detached]</c>: Flink's stop-with-savepoint — the
/// sources stop, a final savepoint is taken, the job ends FINISHED; <c>--drain</c> first advances event time to the end.
/// </summary>
internal static class StopCommand
{
    public const string MissingJobId = "Missing JobID. Specify a JobID to stop a job.";

    public static Command Create(CliContext context)
    {
        var jobIdArgument = JobIdArgument.Create("The id of the running job (32 hex digits).");
        var savepointPath = OptionalValueOption.Create("--savepointPath", "-p",
            "Where the final savepoint goes; without a value (or without -p) the job's execution.checkpointing.savepoint-dir.");
        var drain = new Option<bool>("--drain", "-d") { Description = "Advance event time to the end first (use only when the job ends for good)." };
        var type = SavepointWaiter.TypeOption();
        var detached = new Option<bool>("--detached", "-detached") { Description = "Print the trigger id and return without waiting." };

        var command = new Command("stop", "Stop a running job with a final savepoint.") { jobIdArgument, savepointPath, drain, type, detached };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var (jobIdText, directory) = OptionalValueOption.Split(parseResult, jobIdArgument, savepointPath);
            var jobId = JobIdArgument.Require(jobIdText, MissingJobId);
            var format = SavepointWaiter.ParseFormat(parseResult.GetValue(type));
            var draining = parseResult.GetValue(drain);
            var output = context.Console.Out;
            var failure = $"Could not stop with a savepoint job \"{jobId}\"";
            output.WriteLine(draining ? $"Draining job \"{jobId}\" with a savepoint." : $"Suspending job \"{jobId}\" with a savepoint.");

            await using var connection = await context.ConnectAsync(parseResult, cancellationToken);
            var manager = connection.Client.GetGrain<IJobManagerGrain>(jobId.Value);
            var request = new SavepointRequest(SavepointWaiter.Location(directory), format, draining ? SavepointTermination.StopAndDrain : SavepointTermination.Stop);
            var triggerId = await SavepointWaiter.TriggerAsync(manager, request, failure, cancellationToken);
            if (parseResult.GetValue(detached))
            {
                output.WriteLine($"Successfully trigger stop with savepoint, triggerId: {triggerId}");
                return ExitCodes.Success;
            }
            output.WriteLine(ListCommand.WaitingLine);
            var location = await SavepointWaiter.WaitAsync(manager, triggerId, output, failure, cancellationToken);
            output.WriteLine($"Savepoint completed. Path: {location}");
            return ExitCodes.Success;
        });
        return command;
    }
}
