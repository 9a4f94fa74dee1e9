using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The names codecs record in a snapshot's keyed-state header (docs/SAVEPOINTS.md, "Canonical
/// format"), shared by the writers and by offline readers that decode state without the job's types.
/// </summary>
public static class StateCodecNames
{
    /// <summary>Orleans' binary serializer (native format): readable only with the job's types.</summary>
    public const string OrleansPrefix = "orleans:";

    /// <summary>Version 1 of the canonical JSON codec; a change to its bytes gets a new version.</summary>
    public const string JsonV1Prefix = "json:v1:";

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.General) { IncludeFields = true, TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    /// <summary>The key of an entry in a namespace (a window): the record key, then the namespace, each by its own codec.</summary>
    public const string NamespacedPrefix = "namespaced:";

    public static string Json(Type type) => JsonV1Prefix + type.FullName;

    /// <summary><c>namespaced:&lt;length of the key codec's name&gt;:&lt;key codec&gt;:&lt;namespace codec&gt;</c>: the length lets any codec name follow.</summary>
    public static string Namespaced(string keyCodec, string namespaceCodec) => $"{NamespacedPrefix}{keyCodec.Length}:{keyCodec}:{namespaceCodec}";

    /// <summary>The key and namespace codecs of a name <see cref="Namespaced"/> made; false for any other name.</summary>
    public static bool TrySplitNamespaced(string codec, out string keyCodec, out string namespaceCodec)
    {
        (keyCodec, namespaceCodec) = ("", "");
        if (!codec.StartsWith(NamespacedPrefix, StringComparison.Ordinal)) return false;
        var rest = codec.AsSpan(NamespacedPrefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0 || !int.TryParse(rest[..colon], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)) return false;
        rest = rest[(colon + 1)..];
        if (length >= rest.Length || rest[length] != ':') return false;
        (keyCodec, namespaceCodec) = (rest[..length].ToString(), rest[(length + 1)..].ToString());
        return true;
    }
}
