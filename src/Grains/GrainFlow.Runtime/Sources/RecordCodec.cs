using System.Text;
using System.Text.Json;

namespace GrainFlow.Runtime.Sources;

/// <summary>
/// How records become bytes in files and topics: strings as plain UTF-8 text, everything else as
/// JSON, so that <c>grainflow tail</c> and a text editor can read what a job wrote.
/// </summary>
public static class RecordCodec<T>
{
    private static readonly JsonSerializerOptions Options = new() { IncludeFields = true };

    public static byte[] Encode(T record) => record is string text ? Encoding.UTF8.GetBytes(text) : JsonSerializer.SerializeToUtf8Bytes(record, Options);

    public static string EncodeText(T record) => record is string text ? text : JsonSerializer.Serialize(record, Options);

    /// <exception cref="FormatException">The bytes are not a valid encoding of <typeparamref name="T"/>.</exception>
    public static T Decode(ReadOnlySpan<byte> bytes)
    {
        if (typeof(T) == typeof(string)) return (T)(object)Encoding.UTF8.GetString(bytes);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Options) ?? throw new FormatException($"'null' is not a valid {typeof(T).Name}.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"Could not read a {typeof(T).Name} from '{Encoding.UTF8.GetString(bytes)}': {e.Message}", e);
        }
    }
}
