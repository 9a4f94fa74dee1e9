using System.Text.Json;
using System.Text.Json.Serialization;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The content of <c>_metadata</c> (format documented in docs/CHECKPOINTS.md): JSON, versioned, naming
/// every subtask's operator state by operator uid, with small state inline and larger state in data
/// files referenced relative to the metadata's directory. Since version 3 it lists every state file
/// with its size (<see cref="StateFiles"/>) and carries a checksum of its own bytes
/// (<see cref="MetadataChecksum"/>), so that any change to it — a source offset, a handle — is detected.
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
    GrainFlow.Savepoints.SavepointFormatType? SavepointFormat = null,
    IReadOnlyList<StateFileMetadata>? StateFiles = null,
    string? MetadataChecksum = null)
{
    public const string FormatName = "grainflow-snapshot";
    // 2: state handles record their checksum algorithm (version 1 handles hold XxHash64 and still read).
    // 3: the state files are listed with their sizes, and the metadata carries its own checksum (versions 1 and 2 still read).
    // 4: keyed state may be an incremental handle (shared and private files; versions 1 to 3 still read, they have none).
    public const int CurrentVersion = 4;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>
    /// Metadata of the current version for the given content: the state files are derived from the
    /// handles (a file holds its operators' sections back to back, so its size is where the last one ends).
    /// </summary>
    public static CheckpointMetadata Create(string jobId, string jobName, long checkpointId, DateTimeOffset triggerTime, DateTimeOffset completionTime,
        bool isSavepoint, int maxParallelism, IReadOnlyList<VertexStateMetadata> vertices, GrainFlow.Savepoints.SavepointFormatType? savepointFormat)
    {
        var files = vertices.SelectMany(v => v.Subtasks).SelectMany(s => s.Operators)
            .Select(o => o.State).OfType<StateHandle>().Where(h => h.RelativePath is not null)
            .GroupBy(h => h.RelativePath!, StringComparer.Ordinal)
            .Select(g => new StateFileMetadata(g.Key, g.Max(h => h.Offset + h.Size)))
            .OrderBy(f => f.RelativePath, StringComparer.Ordinal)
            .ToList();
        return new CheckpointMetadata(FormatName, CurrentVersion, jobId, jobName, checkpointId, triggerTime, completionTime, isSavepoint,
            maxParallelism, vertices, savepointFormat, files);
    }

    /// <summary>The JSON, with <see cref="MetadataChecksum"/> computed over the bytes written.</summary>
    public byte[] ToBytes()
    {
        var data = JsonSerializer.SerializeToUtf8Bytes(this with { MetadataChecksum = MetadataSelfChecksum.Placeholder }, Json);
        MetadataSelfChecksum.Seal(data);
        return data;
    }

    /// <exception cref="InvalidDataException">
    /// Not GrainFlow snapshot metadata, damaged (its checksum differs from its bytes), or a version this build cannot read;
    /// the message names the <c>_metadata</c> at <paramref name="location"/>.
    /// </exception>
    public static CheckpointMetadata FromBytes(byte[] data, string location)
    {
        var file = $"{location.TrimEnd('/')}/{CheckpointLayout.MetadataFileName}";
        CheckpointMetadata? metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<CheckpointMetadata>(data, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{file}' is damaged or not GrainFlow checkpoint metadata: {e.Message}", e);
        }
        if (metadata is null || metadata.Format != FormatName) throw new InvalidDataException($"'{file}' is not GrainFlow checkpoint metadata.");
        if (metadata.Version > CurrentVersion)
        {
            throw new InvalidDataException($"'{location}' has metadata version {metadata.Version}; this GrainFlow reads up to version {CurrentVersion}.");
        }
        // Whatever the version says: a changed version number must not switch the check off.
        if (metadata.MetadataChecksum is not null || metadata.Version >= 3) MetadataSelfChecksum.Verify(data, file);
        IncrementalStateReferences.Validate(metadata, file);
        return metadata;
    }

    /// <summary>The <c>jobName</c> of metadata that may be damaged (nothing else of it is trusted), or null when it cannot be told.</summary>
    public static string? PeekJobName(byte[] data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("jobName", out var name)
                && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Every snapshot of the operator <paramref name="operatorUid"/>, from all subtasks that had it.</summary>
    public IEnumerable<OperatorSnapshot> OperatorSnapshots(string operatorUid) =>
        Vertices.SelectMany(v => v.Subtasks).SelectMany(s => s.Operators).Where(o => o.OperatorUid == operatorUid);

    /// <summary>Every incremental state handle of the snapshot.</summary>
    public IEnumerable<IncrementalKeyedStateHandle> StateHandlesIncremental() =>
        Vertices.SelectMany(v => v.Subtasks).SelectMany(s => s.Operators).Select(o => o.IncrementalState).OfType<IncrementalKeyedStateHandle>();

    /// <summary>Every state handle of the snapshot, with the subtask that wrote it.</summary>
    public IEnumerable<(SubtaskSnapshot Subtask, OperatorSnapshot Operator, StateHandle Handle)> StateHandles() =>
        Vertices.SelectMany(v => v.Subtasks).SelectMany(s => s.Operators.Where(o => o.State is not null).Select(o => (s, o, o.State!)));
}

public sealed record VertexStateMetadata(string VertexUid, int Parallelism, IReadOnlyList<SubtaskSnapshot> Subtasks);

/// <summary>
/// One data file of a snapshot (metadata version 3): its path relative to <c>_metadata</c> and its size.
/// The file is its operators' sections back to back, each checksummed in its <see cref="StateHandle"/>,
/// so together the handles checksum every byte of it.
/// </summary>
public sealed record StateFileMetadata(string RelativePath, long Size);
