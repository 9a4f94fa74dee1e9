using System.Buffers;
using System.Text.Json;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The canonical format's codec for types without a built-in one: System.Text.Json with public
/// properties and fields, as UTF-8 prefixed by its length (7-bit encoded). Unlike Orleans' binary
/// serializer, the bytes need neither the job's assembly nor Orleans to read, and a property added
/// or removed later still deserializes, so a canonical savepoint outlives the code that wrote it.
/// </summary>
internal sealed class JsonStateCodec<T> : IStateCodec<T>
{
    // One per thread: snapshots of several subtasks serialize on several pool threads at once.
    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;
    [ThreadStatic] private static Utf8JsonWriter? _json;

    public string Name { get; } = StateCodecNames.Json(typeof(T));

    public void Write(BinaryWriter writer, T value)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var json = _json ??= new Utf8JsonWriter(buffer);
        json.Reset(buffer);
        JsonSerializer.Serialize(json, value, StateCodecNames.JsonOptions);
        json.Flush();
        writer.Write7BitEncodedInt(buffer.WrittenCount);
        writer.Write(buffer.WrittenSpan);
    }

    public T Read(BinaryReader reader) =>
        JsonSerializer.Deserialize<T>(reader.ReadBytes(reader.Read7BitEncodedInt()), StateCodecNames.JsonOptions)!;
}
