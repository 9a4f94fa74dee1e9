using System.Globalization;

namespace GrainFlow.Configuration;

/// <summary>
/// The one place configuration entries are normalised before anything reads them — silo layers,
/// <c>grainflow run -D</c>, REST <c>flinkConfiguration</c> and <c>programArgsList</c>: keys are trimmed
/// (and refused when they hide control or invisible characters), deprecated aliases become their
/// current key, legacy values their current value, values are trimmed and parsed. Whatever checks a
/// normalised map (path policies above all) sees every setting under the one spelling GrainFlow reads.
/// </summary>
public sealed class ConfigurationNormalizer
{
    /// <summary>Flink's top-level key namespaces and GrainFlow's: an unknown key in them is most likely a typo.</summary>
    private static readonly string[] ReservedPrefixes =
    [
        "grainflow.", "execution.", "state.", "pipeline.", "parallelism.", "restart-strategy.", "heartbeat.", "taskmanager.",
        "jobmanager.", "rest.", "web.", "high-availability.", "metrics.", "table.", "security.", "akka.", "pekko.", "cluster.",
        "env.", "kubernetes.", "yarn.", "blob.", "io.", "classloader.", "python.", "fs.", "s3.", "client.", "deployment.",
        "slot.", "slotmanager.", "resourcemanager.", "historyserver.", "queryable-state.", "jobstore.", "job-result-store.",
        "checkpointing.", "savepoint.",
    ];

    private readonly Dictionary<string, ConfigOption> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UnsupportedOption> _unsupported = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _spellings;

    /// <param name="known">Every option the process reads (job, runtime and silo keys).</param>
    /// <param name="unsupported">Flink keys GrainFlow recognises but does not implement.</param>
    public ConfigurationNormalizer(IEnumerable<ConfigOption> known, IEnumerable<UnsupportedOption>? unsupported = null)
    {
        foreach (var option in known)
        {
            foreach (var key in option.AllKeys) _byKey.TryAdd(key, option);
        }
        foreach (var option in unsupported ?? [])
        {
            foreach (var key in option.Keys) _unsupported.TryAdd(key, option);
        }
        _spellings = _byKey.Keys.Where(k => !_byKey[k].DeprecatedKeys.Contains(k)).Concat(_unsupported.Keys).Distinct().ToList();
    }

    /// <summary>
    /// Normalises <paramref name="entries"/> (later entries override earlier ones under the same key; a
    /// key set under its current name wins over a deprecated alias, as in Flink). Never throws: bad
    /// entries are listed in <see cref="NormalizedConfiguration.Problems"/>.
    /// </summary>
    public NormalizedConfiguration Normalize(IEnumerable<KeyValuePair<string, string>> entries)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var fromAlias = new Dictionary<string, string>(StringComparer.Ordinal);
        var warnings = new List<string>();
        var problems = new List<string>();
        foreach (var (rawKey, rawValue) in entries)
        {
            var key = rawKey.Trim();
            if (KeyProblem(rawKey, key) is { } keyProblem)
            {
                problems.Add(keyProblem);
                continue;
            }
            var value = (rawValue ?? "").Trim();
            if (!_byKey.TryGetValue(key, out var option))
            {
                if (_unsupported.TryGetValue(key, out var unsupported) && key != unsupported.Keys[0])
                {
                    warnings.Add($"'{key}' is deprecated; use '{unsupported.Keys[0]}'.");
                    key = unsupported.Keys[0];
                }
                values[key] = value;
                continue;
            }
            if (key != option.Key)
            {
                if (values.ContainsKey(option.Key) && !fromAlias.ContainsKey(option.Key))
                {
                    warnings.Add($"'{key}' is ignored: '{option.Key}' is set as well and takes precedence.");
                    continue;
                }
                fromAlias[option.Key] = key;
            }
            else if (fromAlias.Remove(option.Key, out var overridden))
            {
                warnings.Add($"'{overridden}' is ignored: '{option.Key}' is set as well and takes precedence.");
            }
            if (option.ReplacementFor(value) is { } current)
            {
                warnings.Add($"'{key}: {value}' is deprecated; GrainFlow uses '{current}' instead, as Flink does. Set '{option.Key}: {current}'.");
                value = current;
            }
            values[option.Key] = value;
        }
        foreach (var (key, alias) in fromAlias) warnings.Add($"'{alias}' is deprecated; use '{key}'.");
        foreach (var (key, value) in values)
        {
            if (_byKey.TryGetValue(key, out var option))
            {
                var keyUsed = fromAlias.GetValueOrDefault(key, key);
                if (value.Length == 0)
                {
                    problems.Add($"The setting '{keyUsed}' has no value: give it a value ({option.AcceptedForms}) or leave the key out.");
                    continue;
                }
                try
                {
                    option.Validate(value, keyUsed);
                }
                catch (ConfigurationValueException e)
                {
                    problems.Add(e.Message);
                }
            }
            else if (_unsupported.TryGetValue(key, out var unsupported))
            {
                if (unsupported.SupportedValue is null || !string.Equals(unsupported.SupportedValue, value, StringComparison.OrdinalIgnoreCase))
                {
                    warnings.Add($"'{key}' is not supported by GrainFlow yet and has no effect: {unsupported.Reason}");
                }
            }
            else if (IsReserved(key))
            {
                var nearest = Nearest(key);
                warnings.Add($"'{key}' is not a setting GrainFlow knows and has no effect" + (nearest is null ? "." : $"; did you mean '{nearest}'?"));
            }
        }
        return new NormalizedConfiguration(values, warnings, problems);
    }

    private static string? KeyProblem(string rawKey, string key)
    {
        if (key.Length == 0) return $"A setting has an empty key (value given for '{Visible(rawKey)}'): give every setting a key, as key=value.";
        if (key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned))
        {
            return $"The setting key '{Visible(key)}' contains a space, a control character or an invisible character; type the key without them.";
        }
        return null;
    }

    private static string Visible(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) || char.IsWhiteSpace(c) && c != ' ' || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format
            ? $"\\u{(int)c:x4}" : c.ToString()));

    private static bool IsReserved(string key) =>
        ReservedPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || key.Equals("parallelism", StringComparison.OrdinalIgnoreCase);

    /// <summary>The known key closest to <paramref name="key"/> when it is close enough to be a typo of it.</summary>
    private string? Nearest(string key)
    {
        var lower = key.ToLowerInvariant();
        var best = _spellings.Select(k => (Key: k, Distance: EditDistance(lower, k.ToLowerInvariant()))).OrderBy(k => k.Distance).ThenBy(k => k.Key, StringComparer.Ordinal).FirstOrDefault();
        return best.Key is not null && best.Distance <= Math.Max(2, key.Length / 6) ? best.Key : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}

/// <summary>Settings under the keys GrainFlow reads, what the user should know about them, and what makes them unusable.</summary>
public sealed record NormalizedConfiguration(IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> Warnings, IReadOnlyList<string> Problems)
{
    /// <exception cref="ConfigurationValueException">One or more entries are unusable; one line each.</exception>
    public NormalizedConfiguration ThrowIfInvalid() => Problems.Count == 0 ? this : throw new ConfigurationValueException(Problems);
}
