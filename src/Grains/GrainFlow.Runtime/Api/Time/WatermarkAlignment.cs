namespace GrainFlow.Runtime.Api.Time;

/// <summary>
/// Watermark alignment of the sources in one group (Flink's <c>WatermarkAlignmentParams</c>, FLIP-182):
/// a source subtask whose watermark is more than <see cref="MaxAllowedDrift"/> ahead of the lowest
/// watermark in its group stops reading until the others catch up. Without it a source that runs
/// faster than another — one reads a backlog, one is starved of CPU — has its records wait in every
/// keyed operator downstream (windows, timers) until the slowest source's watermark lets them out:
/// state that grows with the skew. Set with <see cref="WatermarkStrategy{T}.WithWatermarkAlignment"/>.
/// </summary>
/// <param name="Group">Sources with the same group name align with each other, across sources of a job.</param>
/// <param name="MaxAllowedDrift">How far (in event time) a source may run ahead of the lowest watermark of its group.</param>
/// <param name="UpdateInterval">How often a source reports its watermark and learns how far it may go (Flink's default 1 s).</param>
public sealed record WatermarkAlignment(string Group, TimeSpan MaxAllowedDrift, TimeSpan UpdateInterval)
{
    /// <summary>Flink's default update interval.</summary>
    public static readonly TimeSpan DefaultUpdateInterval = TimeSpan.FromSeconds(1);

    internal long MaxAllowedDriftMs => (long)MaxAllowedDrift.TotalMilliseconds;

    /// <summary>The parameters, checked: a group name, a drift and an update interval greater than zero.</summary>
    /// <exception cref="ArgumentException">A parameter is empty, not positive or absurdly large.</exception>
    internal static WatermarkAlignment Create(string group, TimeSpan maxAllowedDrift, TimeSpan updateInterval)
    {
        if (string.IsNullOrWhiteSpace(group))
        {
            throw new ArgumentException("Watermark alignment needs a group name: the sources that align with each other share it.", nameof(group));
        }
        WatermarkDurations.ToMilliseconds(maxAllowedDrift, nameof(maxAllowedDrift), "maximum allowed watermark drift", allowZero: false);
        WatermarkDurations.ToMilliseconds(updateInterval, nameof(updateInterval), "watermark alignment update interval", allowZero: false);
        return new WatermarkAlignment(group.Trim(), maxAllowedDrift, updateInterval);
    }
}
