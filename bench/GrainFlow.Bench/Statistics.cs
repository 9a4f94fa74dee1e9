namespace GrainFlow.Bench;

/// <summary>The summaries the suites quote: medians and quantiles, robust to the outliers of a noisy machine.</summary>
internal static class Statistics
{
    public static double Median(IEnumerable<double> values) => Quantile(values, 0.5);

    /// <summary>The <paramref name="q"/>-quantile, interpolated between the two nearest values (the median of an even count is their mean).</summary>
    public static double Quantile(IEnumerable<double> values, double q)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1);
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("No values to summarize.", nameof(values));
        var at = q * (sorted.Length - 1);
        var below = (int)Math.Floor(at);
        return below + 1 < sorted.Length ? sorted[below] + ((at - below) * (sorted[below + 1] - sorted[below])) : sorted[below];
    }
}
