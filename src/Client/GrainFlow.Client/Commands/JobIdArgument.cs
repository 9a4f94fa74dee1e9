using System.CommandLine;
using GrainFlow.Jobs;

namespace GrainFlow.Client.Commands;

/// <summary>
/// The <c>jobId</c> argument of the job commands. It is optional for the parser so that a missing id
/// gets Flink's message rather than a generic one, and it is validated before any cluster call.
/// </summary>
internal static class JobIdArgument
{
    public static Argument<string?> Create(string description) => new("jobId")
    {
        Description = description,
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <exception cref="CliUsageException">The id is missing (<paramref name="missingMessage"/>) or not 32 hex digits (JobId's own message).</exception>
    public static JobId Require(ParseResult parseResult, Argument<string?> argument, string missingMessage) =>
        Require(parseResult.GetValue(argument), missingMessage);

    /// <exception cref="CliUsageException">The id is missing (<paramref name="missingMessage"/>) or not 32 hex digits (JobId's own message).</exception>
    public static JobId Require(string? rawText, string missingMessage)
    {
        var text = rawText?.Trim();
        if (string.IsNullOrEmpty(text)) throw new CliUsageException(missingMessage);
        if (JobId.TryParse(text, out var jobId)) return jobId.Value;

        try
        {
            return JobId.Parse(text);
        }
        catch (FormatException exception)
        {
            throw new CliUsageException(exception.Message);
        }
    }
}
