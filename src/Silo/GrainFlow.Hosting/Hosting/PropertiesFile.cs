using GrainFlow.Configuration;

namespace GrainFlow.Silo.Hosting;

/// <summary>
/// Reads Java-style .properties text: <c>key=value</c> or <c>key: value</c>, '#' and '!' comments,
/// blank lines ignored, surrounding spaces trimmed; empty values are skipped as in the seed's loader.
/// </summary>
public static class PropertiesFile
{
    public static IEnumerable<KeyValuePair<string, string>> Parse(string text, string origin)
    {
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] is '#' or '!') continue;
            var separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                throw new ConfigurationValueException($"{origin}:{lineNumber}", line, "key=value lines", "the line has no key=value form");
            }
            var value = line[(separator + 1)..].Trim();
            if (value.Length == 0) continue;
            yield return new(line[..separator].Trim(), value);
        }
    }
}
