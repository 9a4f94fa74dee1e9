namespace GrainFlow.Configuration;

/// <summary>
/// A flat, immutable map of Flink-style configuration keys to raw string values, read through typed
/// <see cref="ConfigOption{T}"/>s. Layers (silo defaults, application.properties, <c>-D</c>, a job's
/// own settings) are merged with <see cref="With(IEnumerable{KeyValuePair{string, string}})"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.GrainFlowConfiguration")]
public sealed class GrainFlowConfiguration
{
    public static readonly GrainFlowConfiguration Empty = new(new Dictionary<string, string>());

    [Id(0)]
    private readonly Dictionary<string, string> _values;

    public GrainFlowConfiguration(IEnumerable<KeyValuePair<string, string>> values)
    {
        _values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values) _values[key.Trim()] = value;
    }

    /// <summary>For JSON grain storage (job and coordinator records), which binds <see cref="Values"/> here.</summary>
    [System.Text.Json.Serialization.JsonConstructor]
    public GrainFlowConfiguration(IReadOnlyDictionary<string, string> values)
        : this((IEnumerable<KeyValuePair<string, string>>)values)
    {
    }

    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>A copy with <paramref name="overrides"/> laid on top.</summary>
    public GrainFlowConfiguration With(IEnumerable<KeyValuePair<string, string>> overrides) =>
        new(_values.Concat(overrides));

    public GrainFlowConfiguration With(string key, string value) => With([new(key, value)]);

    /// <summary>The value of <paramref name="option"/> (its key, else a deprecated alias, else its default).</summary>
    /// <exception cref="ConfigurationValueException">The value is malformed, or missing with no default.</exception>
    public T Get<T>(ConfigOption<T> option)
    {
        if (TryGetRaw(option, out var keyUsed, out var raw)) return option.Parse(raw, keyUsed);
        if (option.HasDefault) return option.DefaultValue;
        throw new ConfigurationValueException(option.Key, "", option.AcceptedForms, "the key is required but not set");
    }

    /// <summary>The value when set (under its key or an alias), else null; never the default.</summary>
    public T? GetOptional<T>(ConfigOption<T> option) where T : struct =>
        TryGetRaw(option, out var keyUsed, out var raw) ? option.Parse(raw, keyUsed) : null;

    public string? GetOptionalString(ConfigOption<string> option) =>
        TryGetRaw(option, out var keyUsed, out var raw) && raw.Length > 0 ? option.Parse(raw, keyUsed) : null;

    public bool Contains(ConfigOption option) => TryGetRaw(option, out _, out _);

    /// <summary>Checks every given option that is set; returns one message per invalid value.</summary>
    public IReadOnlyList<string> Validate(IEnumerable<ConfigOption> options)
    {
        var problems = new List<string>();
        foreach (var option in options)
        {
            if (!TryGetRaw(option, out var keyUsed, out var raw)) continue;
            try
            {
                option.Validate(raw, keyUsed);
            }
            catch (ConfigurationValueException e)
            {
                problems.Add(e.Message);
            }
        }
        return problems;
    }

    private bool TryGetRaw(ConfigOption option, out string keyUsed, out string raw)
    {
        if (_values.TryGetValue(option.Key, out raw!))
        {
            keyUsed = option.Key;
            return true;
        }
        foreach (var alias in option.DeprecatedKeys)
        {
            if (_values.TryGetValue(alias, out raw!))
            {
                keyUsed = alias;
                return true;
            }
        }
        keyUsed = option.Key;
        raw = "";
        return false;
    }
}
