using System.Globalization;

namespace GrainFlow.Client.Output;

/// <summary>Times as Flink's CLI prints them: <c>dd.MM.yyyy HH:mm:ss</c> in the local time zone.</summary>
internal static class FlinkTime
{
    public const string Pattern = "dd.MM.yyyy HH:mm:ss";

    public static string Format(DateTimeOffset time) =>
        time.ToLocalTime().ToString(Pattern, CultureInfo.InvariantCulture);
}
