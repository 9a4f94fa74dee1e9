using System.CommandLine;
using System.Diagnostics.CodeAnalysis;

namespace GrainFlow.Client.Commands;

/// <summary>
/// Flink's <c>-D key=value</c> (repeatable; <c>-Dkey=value</c> works too): configuration values and
/// job parameters sent with a submission. A value without '=' or with an empty key is a parse error.
/// </summary>
internal static class DefineOption
{
    public const string Example = "-D parallelism.default=4";

    public static Option<string[]> Create()
    {
        var option = new Option<string[]>("--define", "-D")
        {
            Description = $"A configuration value or job parameter as key=value; repeat for more (e.g. {Example}).",
            HelpName = "key=value",
            AllowMultipleArgumentsPerToken = false,
        };
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!TryParse(token.Value, out _, out var error)) result.AddError(error);
            }
        });
        return option;
    }

    public static bool TryParse(string text, [NotNullWhen(true)] out KeyValuePair<string, string>? pair, [NotNullWhen(false)] out string? error)
    {
        pair = null;
        error = null;
        var equals = text.IndexOf('=');
        if (equals < 0)
        {
            error = $"Invalid -D value '{text}': expected key=value (e.g. {Example}).";
            return false;
        }

        var key = text[..equals].Trim();
        if (key.Length == 0)
        {
            error = $"Invalid -D value '{text}': the key before '=' is empty; expected key=value (e.g. {Example}).";
            return false;
        }

        pair = new KeyValuePair<string, string>(key, text[(equals + 1)..].Trim());
        return true;
    }

    /// <summary>The pairs as a dictionary; a key given twice keeps its last value.</summary>
    /// <exception cref="CliUsageException">A value is malformed (the validator normally reports it first).</exception>
    public static Dictionary<string, string> ToDictionary(IEnumerable<string>? values)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            if (!TryParse(value, out var pair, out var error)) throw new CliUsageException(error);
            result[pair.Value.Key] = pair.Value.Value;
        }
        return result;
    }

    /// <summary>
    /// Splits Flink's attached form <c>-Dkey=value</c> into <c>-D key=value</c> so the parser sees one
    /// option and its value. Tokens after a <c>--</c> are left alone.
    /// </summary>
    public static string[] ExpandAttachedForm(IReadOnlyList<string> args)
    {
        var expanded = new List<string>(args.Count + 2);
        var afterSeparator = false;
        foreach (var arg in args)
        {
            if (!afterSeparator && arg == "--") afterSeparator = true;
            if (!afterSeparator && arg.Length > 2 && arg.StartsWith("-D", StringComparison.Ordinal))
            {
                expanded.Add("-D");
                expanded.Add(arg[2..]);
            }
            else
            {
                expanded.Add(arg);
            }
        }
        return [.. expanded];
    }
}
