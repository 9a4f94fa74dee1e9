using System.CommandLine;
using GrainFlow.Checkpoints;
using GrainFlow.Client.Output;
using GrainFlow.Errors;
using GrainFlow.Jobs;

namespace GrainFlow.Client.Commands;

/// <summary>
/// <c>grainflow checkpoint &lt;jobId&gt; [--full]</c>: Flink's manual checkpoint — triggers one now and waits
/// until the job's checkpoint statistics show it completed (<c>Checkpoint(CONFIGURED) &lt;n&gt; for job &lt;id&gt; completed.</c>).
/// </summary>
internal static class CheckpointCommand
{
    public const string MissingJobId = "Missing JobID. Specify a JobID to trigger a checkpoint.";

    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static Command Create(CliContext context)
    {
        var jobIdArgument = JobIdArgument.Create("The id of the running job (32 hex digits).");
        var full = new Option<bool>("--full") { Description = "Ask for a full checkpoint (GrainFlow's checkpoints are always full)." };

        var command = new Command("checkpoint", "Trigger a checkpoint of a running job now and wait for it.") { jobIdArgument, full };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var jobId = JobIdArgument.Require(parseResult, jobIdArgument, MissingJobId);
            var type = parseResult.GetValue(full) ? "FULL" : "CONFIGURED";
            var output = context.Console.Out;
            output.WriteLine($"Triggering checkpoint for job {jobId}.");

            await using var connection = await context.ConnectAsync(parseResult, cancellationToken);
            var manager = connection.Client.GetGrain<IJobManagerGrain>(jobId.Value);
            var failedBefore = (await manager.GetCheckpointStatsAsync().WaitAsync(cancellationToken)).Failed;
            var checkpointId = await manager.TriggerCheckpointAsync().WaitAsync(cancellationToken);
            output.WriteLine(ListCommand.WaitingLine);

            var progress = new WaitProgress(output, $"checkpoint {checkpointId}");
            while (true)
            {
                var stats = await manager.GetCheckpointStatsAsync().WaitAsync(cancellationToken);
                var checkpoint = stats.History.FirstOrDefault(c => c.Id == checkpointId)
                    ?? new[] { stats.LatestCompleted, stats.LatestFailed }.FirstOrDefault(c => c?.Id == checkpointId);
                // Out of the short history: it completed unless some checkpoint failed meanwhile.
                var completed = checkpoint?.Status == CheckpointStatus.Completed
                    || (checkpoint is null && stats.LatestCompleted?.Id > checkpointId && stats.Failed == failedBefore);
                if (completed)
                {
                    output.WriteLine($"Checkpoint({type}) {checkpointId} for job {jobId} completed.");
                    return ExitCodes.Success;
                }
                if (checkpoint?.Status == CheckpointStatus.Failed || (checkpoint is null && stats.LatestCompleted?.Id > checkpointId))
                {
                    throw new GrainFlowException($"Checkpoint {checkpointId} for job {jobId} failed: {checkpoint?.FailureMessage ?? "its outcome is no longer in the statistics and checkpoints failed meanwhile"}.");
                }
                var status = (await manager.GetDetailsAsync().WaitAsync(cancellationToken)).Status;
                if (status.IsTerminal())
                {
                    throw new GrainFlowException($"Checkpoint {checkpointId} for job {jobId} did not complete: the job ended {status.ToFlinkName()}.");
                }
                progress.Tick();
                await Task.Delay(PollInterval, cancellationToken);
            }
        });
        return command;
    }
}
