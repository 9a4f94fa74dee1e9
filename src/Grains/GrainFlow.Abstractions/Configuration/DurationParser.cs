using System.Globalization;

namespace GrainFlow.Configuration;

/// <summary>
/// Flink's duration syntax (TimeUtils.parseDuration): <c>&lt;number&gt;[spaces]&lt;unit&gt;</c>, case-insensitive;
/// a bare number is milliseconds.
/// </summary>
public static class DurationParser
{
    private static readonly (string[] Labels, long TicksPerUnit)[] Units =
    [
        (["d", "day", "days"], TimeSpan.TicksPerDay),
        (["h", "hour", "hours"], TimeSpan.TicksPerHour),
        (["min", "m", "minute", "minutes"], TimeSpan.TicksPerMinute),
        (["s", "sec", "secs", "second", "seconds"], TimeSpan.TicksPerSecond),
        (["ms", "milli", "millis", "millisecond", "milliseconds"], TimeSpan.TicksPerMillisecond),
        (["µs", "us", "micro", "micros", "microsecond", "microseconds"], TimeSpan.TicksPerMicrosecond),
        (["ns", "nano", "nanos", "nanosecond", "nanoseconds"], 0),
    ];

    public static TimeSpan Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0) throw new FormatException("The duration is empty.");
        var digits = 0;
        while (digits < trimmed.Length && char.IsAsciiDigit(trimmed[digits])) digits++;
        if (digits == 0) throw new FormatException($"'{text}' does not start with a number.");
        if (!long.TryParse(trimmed.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            throw new FormatException($"The number in '{text}' is too large.");
        }
        var label = trimmed[digits..].Trim().ToLowerInvariant();
        if (label.Length == 0) return TimeSpan.FromMilliseconds(amount);
        foreach (var (labels, ticksPerUnit) in Units)
        {
            if (Array.IndexOf(labels, label) < 0) continue;
            if (ticksPerUnit == 0) return TimeSpan.FromTicks(amount / 100); // nanoseconds
            return TimeSpan.FromTicks(checked(amount * ticksPerUnit));
        }
        throw new FormatException($"Time interval unit label '{label}' does not match any of the recognized units.");
    }

    /// <summary>The shortest exact form Flink would print (e.g. "30 s", "10 min", "250 ms").</summary>
    public static string Format(TimeSpan value)
    {
        if (value.Ticks % TimeSpan.TicksPerMillisecond != 0) return $"{value.Ticks * 100} ns";
        var ms = (long)value.TotalMilliseconds;
        if (ms == 0) return "0 ms";
        if (ms % 86_400_000 == 0) return $"{ms / 86_400_000} d";
        if (ms % 3_600_000 == 0) return $"{ms / 3_600_000} h";
        if (ms % 60_000 == 0) return $"{ms / 60_000} min";
        if (ms % 1000 == 0) return $"{ms / 1000} s";
        return $"{ms} ms";
    }
}
