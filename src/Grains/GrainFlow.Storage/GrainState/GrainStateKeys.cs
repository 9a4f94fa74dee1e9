using System.IO.Hashing;
using System.Text;
using Orleans.Runtime;

namespace GrainFlow.Storage.GrainState;

/// <summary>
/// Where a grain's state lives in an <see cref="IObjectStore"/>:
/// <c>grainstate/&lt;grain type&gt;/&lt;grain key&gt;/&lt;state name&gt;.json</c>, each part escaped.
/// </summary>
/// <remarks>
/// The state name is part of the key because one grain can hold several
/// <c>[PersistentState]</c>s in the same provider. Escaping keeps any grain key (slashes, dots,
/// unicode, empty) a single valid path segment, and is reversible by eye for operators.
/// </remarks>
public static class GrainStateKeys
{
    public const string Root = "grainstate/";

    // Long grain keys are shortened and made unique with a hash: file names are limited to 255 bytes.
    private const int MaxSegmentLength = 160;

    public static string For(string stateName, GrainId grainId)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        return $"{Root}{EscapeSegment(grainId.Type.ToString()!)}/{EscapeSegment(grainId.Key.ToString()!)}/{EscapeSegment(stateName)}.json";
    }

    /// <summary>
    /// Escapes <paramref name="value"/> into one key segment: letters, digits, '-', '_' and inner '.'
    /// stay; every other byte of its UTF-8 form becomes %XX.
    /// </summary>
    public static string EscapeSegment(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            // '%' never stands alone in an escaped non-empty value, so this cannot collide.
            return "%";
        }

        var builder = new StringBuilder(value.Length + 8);
        var bytes = Encoding.UTF8.GetBytes(value);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var plain = b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_'
                // A leading '.' would make '.', '..' or hidden/reserved names; Windows drops a trailing one.
                || (b == (byte)'.' && i > 0 && i < bytes.Length - 1);
            if (plain)
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2"));
            }
        }

        if (builder.Length <= MaxSegmentLength)
        {
            return builder.ToString();
        }

        // '~' is always escaped above, so a shortened name never equals an unshortened one.
        var hash = XxHash64.HashToUInt64(bytes).ToString("x16");
        return builder.ToString(0, MaxSegmentLength - hash.Length - 1) + "~" + hash;
    }
}
