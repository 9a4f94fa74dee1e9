namespace GrainFlow.Storage;

/// <summary>
/// The key rules shared by every <see cref="IObjectStore"/>, so that a key accepted by one store is
/// accepted by all of them and data can be copied between stores key by key.
/// </summary>
public static class ObjectKeys
{
    /// <summary>
    /// Names starting with this are the filesystem store's in-flight temporary files; keys may not
    /// use it so that a temporary file can never be mistaken for an object.
    /// </summary>
    public const string ReservedSegmentPrefix = ".gftmp-";

    private const string KeyFormHint = "Keys are relative '/'-separated paths such as 'checkpoints/job-1/chk-5/_metadata'.";

    /// <summary>Throws <see cref="ArgumentException"/> naming the key and the rule it breaks.</summary>
    public static void Validate(string key, string paramName = "key")
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        var problem = FindProblem(key, isPrefix: false);
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid object key '{key}': {problem}. {KeyFormHint}", paramName);
        }
    }

    /// <summary>
    /// Validates a listing prefix: empty, or a key's beginning (it may end with '/' or in the middle of a segment).
    /// </summary>
    public static void ValidatePrefix(string prefix, string paramName = "prefix")
    {
        ArgumentNullException.ThrowIfNull(prefix, paramName);
        if (prefix.Length == 0)
        {
            return;
        }

        var problem = FindProblem(prefix, isPrefix: true);
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid key prefix '{prefix}': {problem}. {KeyFormHint}", paramName);
        }
    }

    /// <summary>
    /// Normalises a store's root folder ("a/b", "a/b/", "" or null) to "" or "a/b/", so it can be put
    /// in front of keys.
    /// </summary>
    public static string NormalizeRootPrefix(string? keyPrefix, string paramName = "keyPrefix")
    {
        if (string.IsNullOrEmpty(keyPrefix))
        {
            return string.Empty;
        }

        var problem = FindRootPrefixProblem(keyPrefix);
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid key prefix '{keyPrefix}': {problem}. It must name a folder such as 'tenant-a' or 'tenant-a/grainflow'.", paramName);
        }

        return keyPrefix.TrimEnd('/') + "/";
    }

    /// <summary>Why <paramref name="keyPrefix"/> cannot be a store's root folder, or null when it can.</summary>
    internal static string? FindRootPrefixProblem(string keyPrefix)
    {
        var trimmed = keyPrefix.TrimEnd('/');
        return trimmed.Length == 0 ? "it is only '/'" : FindProblem(trimmed, isPrefix: false);
    }

    private static string? FindProblem(string value, bool isPrefix)
    {
        if (value.Length == 0)
        {
            return "it is empty";
        }

        if (value[0] == '/')
        {
            return "it must be relative (no leading '/')";
        }

        if (value.Contains('\\'))
        {
            return "it must use '/' as the separator, not '\\'";
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return "it must not contain control characters";
            }
        }

        var segments = value.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var isLast = i == segments.Length - 1;

            // A prefix may end with '/' (empty last segment) or stop in the middle of a segment.
            if (isPrefix && isLast)
            {
                if (segment.StartsWith(ReservedSegmentPrefix, StringComparison.Ordinal))
                {
                    return $"names starting with '{ReservedSegmentPrefix}' are reserved for temporary files";
                }

                continue;
            }

            if (segment.Length == 0)
            {
                return isLast ? "it must not end with '/'" : "it must not contain an empty segment ('//')";
            }

            if (segment is "." or "..")
            {
                return "it must not contain '.' or '..' segments";
            }

            if (segment.StartsWith(ReservedSegmentPrefix, StringComparison.Ordinal))
            {
                return $"names starting with '{ReservedSegmentPrefix}' are reserved for temporary files";
            }
        }

        return null;
    }
}
