using System.CommandLine;
using GrainFlow.Client.Output;
using GrainFlow.Jobs;

namespace GrainFlow.Client.Commands;

/// <summary><c>grainflow list [-r] [-s] [-a]</c>: the cluster's jobs in Flink's <c>flink list</c> layout.</summary>
internal static class ListCommand
{
    public const string WaitingLine = "Waiting for response...";

    public static Command Create(CliContext context)
    {
        var running = new Option<bool>("--running", "-r") { Description = "Show only running and restarting jobs." };
        var scheduled = new Option<bool>("--scheduled", "-s") { Description = "Show only scheduled (created, not yet running) jobs." };
        var all = new Option<bool>("--all", "-a") { Description = "Show all jobs, including terminated ones." };

        var command = new Command("list", "List the jobs (default: running and scheduled).") { running, scheduled, all };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var sections = JobListPrinter.Sections.From(
                parseResult.GetValue(running), parseResult.GetValue(scheduled), parseResult.GetValue(all));

            await using var connection = await context.ConnectAsync(parseResult, cancellationToken);
            var registry = connection.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey);
            var pending = registry.ListJobsAsync();
            context.Console.Out.WriteLine(WaitingLine);
            var jobs = await pending.WaitAsync(cancellationToken);
            JobListPrinter.Print(context.Console.Out, jobs, sections);
            return ExitCodes.Success;
        });
        return command;
    }
}
