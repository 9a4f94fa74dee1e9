using System.CommandLine;
using GrainFlow.Client.Output;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Savepoints;

namespace GrainFlow.Client.Commands;

/// <summary>Triggers a savepoint (for savepoint, stop and cancel -s) and waits for its outcome while showing progress.</summary>
internal static class SavepointWaiter
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <param name="failure">The first part of the one-line error, e.g. Flink's "Triggering a savepoint for the job &lt;id&gt; failed".</param>
    /// <exception cref="SavepointException">The trigger was refused or the savepoint failed; the message starts with <paramref name="failure"/>.</exception>
    /// <exception cref="JobNotFoundException">No such job.</exception>
    public static async Task<string> TriggerAsync(IJobManagerGrain manager, SavepointRequest request, string failure, CancellationToken cancellationToken)
    {
        // An unknown job gets the same one line as every other command, whatever the trigger would say.
        await manager.GetDetailsAsync().WaitAsync(cancellationToken);
        try
        {
            return await manager.TriggerSavepointAsync(request).WaitAsync(cancellationToken);
        }
        catch (GrainFlowException e) when (e is not JobNotFoundException)
        {
            throw new SavepointException($"{failure}: {e.Message}", e);
        }
    }

    /// <summary>Polls until the savepoint completed; returns its location.</summary>
    /// <exception cref="SavepointException">The savepoint failed.</exception>
    public static async Task<string> WaitAsync(IJobManagerGrain manager, string triggerId, TextWriter output, string failure, CancellationToken cancellationToken)
    {
        var progress = new WaitProgress(output, $"savepoint {triggerId}");
        while (true)
        {
            var operation = await manager.GetSavepointOperationAsync(triggerId).WaitAsync(cancellationToken);
            if (operation.Status == SavepointOperationStatus.Completed)
            {
                return operation.Location ?? throw new SavepointException(
                    $"{failure}: {operation.FailureType ?? "SavepointException"}: {operation.FailureMessage ?? "no reason given"}");
            }
            progress.Tick();
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>Flink's <c>--type canonical|native</c>, case-insensitive.</summary>
    /// <exception cref="CliUsageException">Another value.</exception>
    public static SavepointFormatType ParseFormat(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "canonical" => SavepointFormatType.Canonical,
        "native" => SavepointFormatType.Native,
        _ => throw new CliUsageException($"Invalid savepoint type '{text}': use --type canonical (the default) or --type native."),
    };

    /// <summary>
    /// A local relative path is made absolute here, so that it means the folder the user is in rather
    /// than the silo's working directory; absolute paths and URLs pass unchanged.
    /// </summary>
    public static string? Location(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return null;
        var trimmed = path.Trim();
        return trimmed.Contains("://", StringComparison.Ordinal) || Path.IsPathFullyQualified(trimmed) ? trimmed : Path.GetFullPath(trimmed);
    }

    public static Option<string?> TypeOption() => new("--type", "-type")
    {
        Description = "The savepoint format: canonical (default; backend-independent) or native (the state backend's own, faster).",
        HelpName = "canonical|native",
    };
}
