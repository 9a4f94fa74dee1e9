namespace GrainFlow.Configuration;

/// <summary>
/// A typed configuration key in Flink's style: a dotted key, deprecated aliases, a default, a parser
/// and a sentence describing the accepted forms (used in every error message about the key).
/// </summary>
public abstract class ConfigOption
{
    protected ConfigOption(string key, IReadOnlyList<string> deprecatedKeys, string acceptedForms, string description)
    {
        Key = key;
        DeprecatedKeys = deprecatedKeys;
        AcceptedForms = acceptedForms;
        Description = description;
    }

    public string Key { get; }

    /// <summary>Older names still accepted (e.g. <c>state.checkpoints.dir</c> for <c>execution.checkpointing.dir</c>).</summary>
    public IReadOnlyList<string> DeprecatedKeys { get; }

    public string AcceptedForms { get; }

    public string Description { get; }

    /// <summary>Parses a raw value and discards the result: throws <see cref="ConfigurationValueException"/> when it is invalid.</summary>
    public abstract void Validate(string rawValue, string keyUsed);
}

public sealed class ConfigOption<T> : ConfigOption
{
    private readonly Func<string, T> _parse;
    private readonly Func<T, string?>? _check;

    public ConfigOption(string key, IReadOnlyList<string> deprecatedKeys, string acceptedForms, string description,
        Func<string, T> parse, Func<T, string?>? check, bool hasDefault, T defaultValue)
        : base(key, deprecatedKeys, acceptedForms, description)
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
            value = _parse(rawValue.Trim());
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
        new(Key, DeprecatedKeys, AcceptedForms, Description, raw => convert(_parse(raw)), null, false, default!);

    public ConfigOption<T> WithDefault(T value) =>
        new(Key, DeprecatedKeys, AcceptedForms, Description, _parse, _check, true, value);

    public ConfigOption<T> WithDeprecatedKeys(params string[] keys) =>
        new(Key, keys, AcceptedForms, Description, _parse, _check, HasDefault, DefaultValue);

    public ConfigOption<T> WithDescription(string description) =>
        new(Key, DeprecatedKeys, AcceptedForms, description, _parse, _check, HasDefault, DefaultValue);

    /// <summary>Adds a check on the parsed value; <paramref name="check"/> returns a problem sentence or null.</summary>
    public ConfigOption<T> WithCheck(Func<T, string?> check, string? acceptedForms = null)
    {
        var previous = _check;
        return new(Key, DeprecatedKeys, acceptedForms ?? AcceptedForms, Description, _parse,
            v => previous?.Invoke(v) ?? check(v), HasDefault, DefaultValue);
    }

    public override string ToString() => Key;
}
