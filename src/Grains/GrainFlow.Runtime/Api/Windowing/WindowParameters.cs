namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>Validates the sizes, slides, offsets and gaps given to window assigners, once, with errors that say what to do.</summary>
internal static class WindowParameters
{
    /// <summary>Longer windows or gaps are a mistake (and would overflow timestamps near the end of time).</summary>
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(36_500);

    /// <summary>A window size, slide or session gap in milliseconds: a whole, positive number of them, at most <see cref="MaxLength"/>.</summary>
    public static long Length(string assigner, string parameter, TimeSpan value)
    {
        if (!IsLength(value))
        {
            throw new ArgumentException(
                $"{assigner}: the {parameter} must be a whole number of milliseconds between 1 ms and {MaxLength.TotalDays:0} days, got {value}; " +
                $"pass a positive {parameter} such as TimeSpan.FromSeconds(10).", parameter);
        }
        return value.Ticks / TimeSpan.TicksPerMillisecond;
    }

    /// <summary>An offset in milliseconds: whole, and strictly between −<paramref name="periodMs"/> and <paramref name="periodMs"/> (Flink: abs(offset) &lt; slide).</summary>
    public static long Offset(string assigner, string periodName, long periodMs, TimeSpan offset)
    {
        if (offset.Ticks % TimeSpan.TicksPerMillisecond != 0 || Math.Abs(offset.TotalMilliseconds) >= periodMs)
        {
            throw new ArgumentException(
                $"{assigner}: the offset must be a whole number of milliseconds with abs(offset) < {periodName} ({periodMs} ms), got {offset}; " +
                $"an offset only shifts where windows start, so reduce it modulo the {periodName}.", nameof(offset));
        }
        return offset.Ticks / TimeSpan.TicksPerMillisecond;
    }

    /// <summary>The timestamp of an element for an event-time assigner; Flink's message when it has none.</summary>
    public static long EventTimestamp(string assigner, long timestamp) => timestamp != long.MinValue
        ? timestamp
        : throw new InvalidOperationException(
            $"{assigner}: a record has no timestamp (Long.MIN_VALUE, the no-timestamp marker). Event-time windows need timestamps: " +
            "give the source a WatermarkStrategy with a timestamp assigner, call AssignTimestampsAndWatermarks(...) before the window, or use a processing-time assigner.");

    /// <summary>The gap a dynamic session extractor returned for an element, checked at run time.</summary>
    public static long DynamicGap(string assigner, TimeSpan gap, Type elementType) =>
        IsLength(gap)
            ? gap.Ticks / TimeSpan.TicksPerMillisecond
            : throw new InvalidOperationException(
                $"{assigner}: the session gap extractor returned {gap} for an element of type {elementType.Name}; a dynamic session gap must be a whole " +
                $"number of milliseconds between 1 ms and {MaxLength.TotalDays:0} days (Flink: 0 < gap). Fix the extractor so it returns a positive gap for every element.");

    private static bool IsLength(TimeSpan value) => value > TimeSpan.Zero && value <= MaxLength && value.Ticks % TimeSpan.TicksPerMillisecond == 0;
}
