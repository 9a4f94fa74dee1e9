using System.CommandLine;
using GrainFlow.Jobs;
using GrainFlow.Savepoints;

namespace GrainFlow.Client.Commands;

/// <summary>
/// <c>grainflow savepoint &lt;jobId&gt; [targetDirectory] [--type canonical|native] [--detached]</c> triggers a
/// savepoint of a running job and waits for it; <c>grainflow savepoint -d &lt;path&gt;</c> disposes one. Flink's lines.
/// </summary>
internal static class SavepointCommand
{
    public const string MissingJobId = "Missing JobID. Specify a JobID to trigger a savepoint, or -d <path> to dispose one.";
    public const string MissingDisposePath = "Missing required argument: savepoint path. Usage: grainflow savepoint -d <savepoint-path>";

    public static Command Create(CliContext context)
    {
        var jobIdArgument = JobIdArgument.Create("The id of the running job (32 hex digits).");
        var targetArgument = new Argument<string?>("targetDirectory")
        {
            Description = "Where the savepoint folder is created (a path, file:// or blob URL). Default: the job's execution.checkpointing.savepoint-dir.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var type = SavepointWaiter.TypeOption();
        var detached = new Option<bool>("--detached", "-detached") { Description = "Print the trigger id and return without waiting for the savepoint." };
        var dispose = new Option<string?>("--dispose", "-d")
        {
            Description = "Dispose (delete) the savepoint at this path: its folder or its _metadata file.",
            HelpName = "path",
            Arity = ArgumentArity.ZeroOrOne,
        };

        var command = new Command("savepoint", "Trigger a savepoint of a running job, or dispose one with -d.") { jobIdArgument, targetArgument, type, detached, dispose };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = context.Console.Out;
            if (OptionalValueOption.IsGiven(parseResult, dispose))
            {
                var path = SavepointWaiter.Location(parseResult.GetValue(dispose) ?? parseResult.GetValue(jobIdArgument))
                    ?? throw new CliUsageException(MissingDisposePath);
                output.WriteLine($"Disposing savepoint '{path}'.");
                await using var disposal = await context.ConnectAsync(parseResult, cancellationToken);
                output.WriteLine(ListCommand.WaitingLine);
                await disposal.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).DisposeSavepointAsync(path).WaitAsync(cancellationToken);
                output.WriteLine($"Savepoint '{path}' disposed.");
                return ExitCodes.Success;
            }

            var jobId = JobIdArgument.Require(parseResult, jobIdArgument, MissingJobId);
            var format = SavepointWaiter.ParseFormat(parseResult.GetValue(type));
            var target = SavepointWaiter.Location(parseResult.GetValue(targetArgument));
            var isDetached = parseResult.GetValue(detached);
            var failure = $"Triggering a savepoint for the job {jobId} failed";
            output.WriteLine(isDetached ? $"Triggering savepoint in detached mode for job {jobId}." : $"Triggering savepoint for job {jobId}.");

            await using var connection = await context.ConnectAsync(parseResult, cancellationToken);
            var manager = connection.Client.GetGrain<IJobManagerGrain>(jobId.Value);
            var triggerId = await SavepointWaiter.TriggerAsync(manager, new SavepointRequest(target, format), failure, cancellationToken);
            if (isDetached)
            {
                output.WriteLine($"Successfully trigger manual savepoint, triggerId: {triggerId}");
                return ExitCodes.Success;
            }
            output.WriteLine(ListCommand.WaitingLine);
            var location = await SavepointWaiter.WaitAsync(manager, triggerId, output, failure, cancellationToken);
            output.WriteLine($"Savepoint completed. Path: {location}");
            output.WriteLine("You can resume your program from this savepoint with the run command.");
            return ExitCodes.Success;
        });
        return command;
    }
}
