using Azure;
using Azure.Storage.Blobs.Models;

namespace GrainFlow.Storage.AzureBlob;

/// <summary>The ETags the Azure Blob store hands out, and the request conditions its write conditions become.</summary>
internal static class BlobETags
{
    /// <summary>
    /// Response headers carry ETags quoted, listings unquoted; hand out one form so ETags from either
    /// compare equal and work in conditions.
    /// </summary>
    public static string Canonical(ETag etag)
    {
        var text = etag.ToString();
        return text.StartsWith('"') || text.StartsWith("W/", StringComparison.Ordinal) ? text : $"\"{text}\"";
    }

    public static BlobRequestConditions? ToRequestConditions(WriteCondition condition) => condition.Kind switch
    {
        WriteConditionKind.None => null,
        WriteConditionKind.IfNotExists => new BlobRequestConditions { IfNoneMatch = ETag.All },
        WriteConditionKind.IfMatch when !string.IsNullOrEmpty(condition.ETag) => new BlobRequestConditions { IfMatch = new ETag(condition.ETag) },
        WriteConditionKind.IfMatch => throw new ArgumentException("WriteCondition.IfMatch needs the ETag the caller last read.", nameof(condition)),
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.Kind, "Unknown write condition."),
    };
}
