using System.CommandLine;

namespace GrainFlow.Client.Commands;

/// <summary>
/// Flink's options with an optional value (<c>stop -p [dir]</c>, <c>cancel -s [dir]</c>). The parser
/// takes the token after the option as its value, so <c>cancel -s &lt;jobId&gt;</c> would swallow the job id:
/// when no job id argument is left and the value is a job id, it is the job id and the option has no value.
/// </summary>
internal static class OptionalValueOption
{
    public static Option<string?> Create(string name, string alias, string description) => new(name, alias)
    {
        Description = description,
        HelpName = "dir",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static bool IsGiven(ParseResult parseResult, Option<string?> option) => parseResult.GetResult(option) is { Implicit: false };

    /// <summary>The job id text and the option's value, with a swallowed job id given back to the argument.</summary>
    public static (string? JobId, string? Value) Split(ParseResult parseResult, Argument<string?> jobIdArgument, Option<string?> option)
    {
        var jobId = parseResult.GetValue(jobIdArgument);
        var value = parseResult.GetValue(option);
        if (string.IsNullOrWhiteSpace(jobId) && Jobs.JobId.TryParse(value?.Trim(), out _)) return (value, null);
        return (jobId, value);
    }
}
