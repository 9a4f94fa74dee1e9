using System.CommandLine;
using System.Globalization;
using System.Numerics;

namespace GrainFlow.Client.Commands;

/// <summary>
/// An option whose value is a whole number with a lower bound (<c>-p</c>, <c>--from</c>, <c>--max</c>): a value
/// that is not one (or does not fit) or is too small is one usage line naming the option and the value,
/// instead of the parser's text about .NET types.
/// </summary>
internal static class WholeNumberOption
{
    public static Option<T?> Create<T>(string name, string? alias, T minimum, string description, string helpName)
        where T : struct, IBinaryInteger<T>
    {
        var option = alias is null ? new Option<T?>(name) : new Option<T?>(name, alias);
        option.Description = description;
        option.HelpName = helpName;
        option.CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (T.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= minimum) return value;
            result.AddError($"Invalid {name} '{text}': expected a whole number of at least {minimum}.");
            return null;
        };
        return option;
    }
}
