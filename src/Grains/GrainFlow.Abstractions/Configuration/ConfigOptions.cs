using System.Globalization;

namespace GrainFlow.Configuration;

/// <summary>Builders for <see cref="ConfigOption{T}"/>: <c>ConfigOptions.Key("x").IntType().WithDefault(1)</c>.</summary>
public static class ConfigOptions
{
    public static OptionBuilder Key(string key) => new(key);

    public readonly struct OptionBuilder(string key)
    {
        public ConfigOption<string> StringType() =>
            Make(key, "any text", s => s);

        public ConfigOption<int> IntType() =>
            Make(key, "a whole number (e.g. 4)", s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture));

        public ConfigOption<long> LongType() =>
            Make(key, "a whole number (e.g. 1000000)", s => long.Parse(s.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture));

        public ConfigOption<double> DoubleType() =>
            Make(key, "a number (e.g. 2.5)", s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));

        public ConfigOption<bool> BoolType() =>
            Make(key, "true or false", s => s.ToLowerInvariant() switch
            {
                "true" => true,
                "false" => false,
                _ => throw new FormatException($"'{s}' is not true or false."),
            });

        public ConfigOption<TimeSpan> DurationType() =>
            Make(key, "a duration: a number with a unit (ms, s, min, h, d; e.g. \"30 s\", \"10 min\"); a bare number means milliseconds",
                DurationParser.Parse);

        public ConfigOption<long> MemorySizeType() =>
            Make(key, "a size in bytes with an optional unit (b, kb, mb, gb, tb; e.g. \"64 mb\")", MemorySizeParser.Parse);

        /// <summary>An enum given by its UPPER_SNAKE_CASE or kebab-case name, case-insensitively.</summary>
        public ConfigOption<TEnum> EnumType<TEnum>() where TEnum : struct, Enum
        {
            var names = Enum.GetValues<TEnum>().Select(EnumNames.ToConfigName).ToArray();
            return Make(key, "one of " + string.Join(", ", names), s => EnumNames.Parse<TEnum>(s));
        }

        private static ConfigOption<T> Make<T>(string key, string forms, Func<string, T> parse) =>
            new(key, Array.Empty<string>(), forms, "", parse, null, false, default!);
    }
}

/// <summary>Maps enum members (PascalCase) to and from Flink's configuration spelling (UPPER_SNAKE_CASE).</summary>
public static class EnumNames
{
    public static string ToConfigName<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var name = value.ToString();
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1])) builder.Append('_');
            builder.Append(char.ToUpperInvariant(name[i]));
        }
        return builder.ToString();
    }

    public static TEnum Parse<TEnum>(string text) where TEnum : struct, Enum
    {
        var normalized = text.Replace("-", "").Replace("_", "");
        foreach (var value in Enum.GetValues<TEnum>())
        {
            if (string.Equals(value.ToString(), normalized, StringComparison.OrdinalIgnoreCase)) return value;
        }
        throw new FormatException($"'{text}' is not one of the accepted values.");
    }
}
