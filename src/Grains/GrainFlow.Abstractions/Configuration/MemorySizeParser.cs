using System.Globalization;

namespace GrainFlow.Configuration;

/// <summary>Flink's memory size syntax: a number with an optional unit (b, k/kb, m/mb, g/gb, t/tb), case-insensitive.</summary>
public static class MemorySizeParser
{
    public static long Parse(string text)
    {
        var trimmed = text.Trim();
        var digits = 0;
        while (digits < trimmed.Length && char.IsAsciiDigit(trimmed[digits])) digits++;
        if (digits == 0)
        {
            if (trimmed == "-1") return -1;
            throw new FormatException($"'{text}' does not start with a number.");
        }
        var amount = long.Parse(trimmed.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture);
        var multiplier = trimmed[digits..].Trim().ToLowerInvariant() switch
        {
            "" or "b" or "bytes" => 1L,
            "k" or "kb" or "kibibytes" => 1L << 10,
            "m" or "mb" or "mebibytes" => 1L << 20,
            "g" or "gb" or "gibibytes" => 1L << 30,
            "t" or "tb" or "tebibytes" => 1L << 40,
            var unit => throw new FormatException($"Memory size unit '{unit}' does not match any of the recognized units."),
        };
        return checked(amount * multiplier);
    }
}
