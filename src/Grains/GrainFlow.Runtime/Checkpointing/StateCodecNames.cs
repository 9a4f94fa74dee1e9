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

    public static string Json(Type type) => JsonV1Prefix + type.FullName;
}
