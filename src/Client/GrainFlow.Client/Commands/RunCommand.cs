using System.CommandLine;
using GrainFlow.Client.Output;
using GrainFlow.Jobs;

namespace GrainFlow.Client.Commands;

/// <summary>
/// <c>grainflow run &lt;jobName&gt; [-p N] [-D key=value]... [-s path [-n] [--claimMode CLAIM|NO_CLAIM] | --resume latest] [--wait]</c>:
/// submits a registered job (restored from a savepoint or checkpoint when asked), prints Flink's
/// <c>Job has been submitted with JobID &lt;id&gt;</c>, and with <c>--wait</c> waits for the end.
/// </summary>
internal static class RunCommand
{
    /// <summary>How long one wait call may block; well below the Orleans response timeout (30 s).</summary>
    private static readonly TimeSpan WaitSlice = TimeSpan.FromSeconds(10);

    public static Command Create(CliContext context)
    {
        var jobName = new Argument<string>("jobName") { Description = "The registered name of the job to run." };
        var parallelism = WholeNumberOption.Create("--parallelism", "-p", 1, "The job's parallelism (overrides parallelism.default).", "N");
        var defines = DefineOption.Create();
        var wait = new Option<bool>("--wait") { Description = "Wait until the job ends; the exit code is 0 only if it FINISHED." };
        var restore = new RestoreOptions();

        var command = new Command("run", "Submit a job to the cluster.") { jobName, parallelism, defines, wait };
        foreach (var option in restore.All) command.Options.Add(option);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var name = parseResult.GetRequiredValue(jobName).Trim();
            if (name.Length == 0) throw new CliUsageException("The job name must not be empty.");
            var configuration = DefineOption.ToDictionary(parseResult.GetValue(defines));
            var restoring = restore.ApplyTo(parseResult, configuration);
            var submission = new JobSubmission(name, configuration, parseResult.GetValue(parallelism));

            await using var connection = await context.ConnectAsync(parseResult, cancellationToken);
            var registry = connection.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey);
            var jobId = await registry.SubmitAsync(submission).WaitAsync(cancellationToken);
            var output = context.Console.Out;
            output.WriteLine($"Job has been submitted with JobID {jobId}");
            var manager = connection.Client.GetGrain<IJobManagerGrain>(jobId.Value);
            var submitted = await manager.GetDetailsAsync().WaitAsync(cancellationToken);
            // Settings that have no effect (unknown, unsupported, deprecated) and generated uids, one line each.
            foreach (var warning in submitted.Warnings ?? []) context.Console.Error.WriteLine($"Warning: {SingleLine.Of(warning)}");
            // Where the state came from (which savepoint or checkpoint, or that none was found).
            if (restoring) output.WriteLine($"State: {submitted.StateOrigin}");
            if (!parseResult.GetValue(wait)) return ExitCodes.Success;

            JobStatus status;
            do
            {
                status = await manager.WaitForTerminationAsync(WaitSlice).WaitAsync(cancellationToken);
            }
            while (!status.IsTerminal());

            output.WriteLine($"Job {jobId} finished with status {status.ToFlinkName()}");
            if (status == JobStatus.Finished) return ExitCodes.Success;

            var details = await manager.GetDetailsAsync().WaitAsync(cancellationToken);
            if (details.Failure is { } failure)
            {
                context.Console.Error.WriteLine($"Cause: {JobDetailsPrinter.FormatFailure(failure)}");
                if (context.IsVerbose(parseResult)) context.Console.Error.WriteLine(failure.StackTrace);
            }
            return ExitCodes.Failure;
        });
        return command;
    }
}
