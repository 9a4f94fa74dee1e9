using System.Text.Json;
using System.Text.Json.Serialization;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The content of <c>_metadata</c> (format documented in docs/CHECKPOINTS.md): JSON, versioned, naming
/// every subtask's operator state by operator uid, with small state inline and larger state in data
/// files referenced relative to the metadata's directory.
/// </summary>
public sealed record CheckpointMetadata(
    string Format,
    int Version,
    string JobId,
    string JobName,
    long CheckpointId,
    DateTimeOffset TriggerTime,
    DateTimeOffset CompletionTime,
    bool IsSavepoint,
    int MaxParallelism,
    IReadOnlyList<VertexStateMetadata> Vertices,
    GrainFlow.Savepoints.SavepointFormatType? SavepointFormat = null)
{
    public const string FormatName = "grainflow-snapshot";
    // 2: state handles record their checksum algorithm (version 1 handles hold XxHash64 and still read).
    public const int CurrentVersion = 2;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <exception cref="InvalidDataException">Not GrainFlow snapshot metadata, or a version this build cannot read.</exception>
    public static CheckpointMetadata FromBytes(byte[] data, string location)
    {
        CheckpointMetadata? metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<CheckpointMetadata>(data, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{location}' is not GrainFlow checkpoint metadata: {e.Message}", e);
        }
        if (metadata is null || metadata.Format != FormatName) throw new InvalidDataException($"'{location}' is not GrainFlow checkpoint metadata.");
        if (metadata.Version > CurrentVersion)
        {
            throw new InvalidDataException($"'{location}' has metadata version {metadata.Version}; this GrainFlow reads up to version {CurrentVersion}.");
        }
        return metadata;
    }

    /// <summary>Every snapshot of the operator <paramref name="operatorUid"/>, from all subtasks that had it.</summary>
    public IEnumerable<OperatorSnapshot> OperatorSnapshots(string operatorUid) =>
        Vertices.SelectMany(v => v.Subtasks).SelectMany(s => s.Operators).Where(o => o.OperatorUid == operatorUid);
}

public sealed record VertexStateMetadata(string VertexUid, int Parallelism, IReadOnlyList<SubtaskSnapshot> Subtasks);
