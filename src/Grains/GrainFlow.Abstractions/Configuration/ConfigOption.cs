namespace GrainFlow.Configuration;

/// <summary>
/// A typed configuration key in Flink's style: a dotted key, deprecated aliases, a default, a parser
/// and a sentence describing the accepted forms (used in every error message about the key).
/// </summary>
public abstract class ConfigOption
{
    protected ConfigOption(string key, IReadOnlyList<string> deprecatedKeys, string acceptedForms, string description,
        IReadOnlyDictionary<string, string> legacyValues, bool isLocation)
    {
        Key = key;
        DeprecatedKeys = deprecatedKeys;
        AcceptedForms = acceptedForms;
        Description = description;
        LegacyValues = legacyValues;
        IsLocation = isLocation;
    }

    public string Key { get; }

    /// <summary>Older names still accepted (e.g. <c>state.checkpoints.dir</c> for <c>execution.checkpointing.dir</c>).</summary>
    public IReadOnlyList<string> DeprecatedKeys { get; }

    public string AcceptedForms { get; }

    public string Description { get; }

    /// <summary>
    /// Deprecated values (case-insensitive) and the value each stands for, as Flink maps
    /// <c>state.backend.type: filesystem</c> to <c>hashmap</c>; the parser accepts them, normalisation rewrites them with a warning.
    /// </summary>
    public IReadOnlyDictionary<string, string> LegacyValues { get; }

    /// <summary>The value names a storage location (a path or URL) GrainFlow reads from or writes to; path policies apply to it.</summary>
    public bool IsLocation { get; }

    /// <summary>The key and its deprecated aliases.</summary>
    public IEnumerable<string> AllKeys => DeprecatedKeys.Prepend(Key);

    /// <summary>Parses a raw value and discards the result: throws <see cref="ConfigurationValueException"/> when it is invalid.</summary>
    public abstract void Validate(string rawValue, string keyUsed);

    /// <summary>The value a legacy value stands for, or null when <paramref name="rawValue"/> is not a legacy value.</summary>
    public string? ReplacementFor(string rawValue) =>
        LegacyValues.FirstOrDefault(l => string.Equals(l.Key, rawValue.Trim(), StringComparison.OrdinalIgnoreCase)).Value;
}

public sealed class ConfigOption<T> : ConfigOption
{
    private static readonly IReadOnlyDictionary<string, string> NoLegacyValues = new Dictionary<string, string>();

    private readonly Func<string, T> _parse;
    private readonly Func<T, string?>? _check;

    public ConfigOption(string key, IReadOnlyList<string> deprecatedKeys, string acceptedForms, string description,
        Func<string, T> parse, Func<T, string?>? check, bool hasDefault, T defaultValue)
        : this(key, deprecatedKeys, acceptedForms, description, parse, check, hasDefault, defaultValue, NoLegacyValues, isLocation: false)
    {
    }

    private ConfigOption(string key, IReadOnlyList<string> deprecatedKeys, string acceptedForms, string description,
        Func<string, T> parse, Func<T, string?>? check, bool hasDefault, T defaultValue, IReadOnlyDictionary<string, string> legacyValues, bool isLocation)
        : base(key, deprecatedKeys, acceptedForms, description, legacyValues, isLocation)
    {
        _parse = parse;
        _check = check;
        HasDefault = hasDefault;
        DefaultValue = defaultValue;
    }

    public bool HasDefault { get; }

    public T DefaultValue { get; }

    /// <summary>Parses and checks <paramref name="rawValue"/>; the error names <paramref name="keyUsed"/> and the accepted forms.</summary>
    public T Parse(string rawValue, string keyUsed)
    {
        T value;
        try
        {
            value = _parse(ReplacementFor(rawValue) ?? rawValue.Trim());
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new ConfigurationValueException(keyUsed, rawValue, AcceptedForms, e.Message);
        }
        var problem = _check?.Invoke(value);
        if (problem is not null)
        {
            throw new ConfigurationValueException(keyUsed, rawValue, AcceptedForms, problem);
        }
        return value;
    }

    public override void Validate(string rawValue, string keyUsed) => Parse(rawValue, keyUsed);

    /// <summary>The same key, parsed further by <paramref name="convert"/> (which throws FormatException for a bad value).</summary>
    public ConfigOption<TResult> Map<TResult>(Func<T, TResult> convert) =>
        new(Key, DeprecatedKeys, AcceptedForms, Description, raw => convert(_parse(raw)), null, false, default!, LegacyValues, IsLocation);

    public ConfigOption<T> WithDefault(T value) => Copy(hasDefault: true, defaultValue: value);

    public ConfigOption<T> WithDeprecatedKeys(params string[] keys) => Copy(deprecatedKeys: keys);

    public ConfigOption<T> WithDescription(string description) => Copy(description: description);

    /// <summary>Adds deprecated values that stand for current ones (see <see cref="ConfigOption.LegacyValues"/>).</summary>
    public ConfigOption<T> WithLegacyValues(params (string Legacy, string Current)[] values) =>
        Copy(legacyValues: values.ToDictionary(v => v.Legacy, v => v.Current, StringComparer.OrdinalIgnoreCase));

    /// <summary>Marks the value as a storage location (see <see cref="ConfigOption.IsLocation"/>).</summary>
    public ConfigOption<T> AsLocation() => Copy(isLocation: true);

    /// <summary>Adds a check on the parsed value; <paramref name="check"/> returns a problem sentence or null.</summary>
    public ConfigOption<T> WithCheck(Func<T, string?> check, string? acceptedForms = null)
    {
        var previous = _check;
        return Copy(acceptedForms: acceptedForms, check: v => previous?.Invoke(v) ?? check(v));
    }

    public override string ToString() => Key;

    private ConfigOption<T> Copy(IReadOnlyList<string>? deprecatedKeys = null, string? acceptedForms = null, string? description = null,
        Func<T, string?>? check = null, bool? hasDefault = null, T? defaultValue = default, IReadOnlyDictionary<string, string>? legacyValues = null, bool? isLocation = null) =>
        new(Key, deprecatedKeys ?? DeprecatedKeys, acceptedForms ?? AcceptedForms, description ?? Description, _parse, check ?? _check,
            hasDefault ?? HasDefault, hasDefault == true ? defaultValue! : DefaultValue, legacyValues ?? LegacyValues, isLocation ?? IsLocation);
}
