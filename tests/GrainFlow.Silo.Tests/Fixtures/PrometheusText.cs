using System.Globalization;

namespace GrainFlow.Silo.Tests.Fixtures;

/// <summary>Reads series out of a Prometheus text scrape: <c>name{label="value",…} value [timestamp]</c>.</summary>
public static class PrometheusText
{
    /// <summary>The values of every series named <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public static IReadOnlyList<double> Values(string scrape, string name, params (string Label, string Value)[] labels) =>
        scrape.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal)
                && labels.All(l => line.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Select(line => double.Parse(line[(line.LastIndexOf('}') + 2)..].Split(' ')[0], CultureInfo.InvariantCulture))
            .ToList();
}
