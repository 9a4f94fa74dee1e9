using System.Text.Json;
using Orleans.Storage;

namespace GrainFlow.Storage.GrainState;

/// <summary>
/// Grain state as System.Text.Json, with the settings of the file grain storage
/// (<see cref="ObjectStoreGrainStorage.CreateDefaultJsonOptions"/>), so that state in Azure Blob
/// storage reads and fixes by hand like state on disk.
/// </summary>
public sealed class JsonGrainStateSerializer(JsonSerializerOptions? options = null) : IGrainStorageSerializer
{
    private readonly JsonSerializerOptions _options = options ?? ObjectStoreGrainStorage.CreateDefaultJsonOptions();

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, _options));

    public T? Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span, _options);
}
