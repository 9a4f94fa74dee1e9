using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

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

    /// <exception cref="NotSupportedException">JSON would write a member of <typeparamref name="T"/> that it cannot read back.</exception>
    public JsonStateCodec() => CheckRoundTrips(typeof(T), new HashSet<Type>());

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

    /// <summary>A field, or an auto-property (its compiler-generated backing field): unlike a computed property, its value is state.</summary>
    private static bool HoldsData(System.Reflection.ICustomAttributeProvider? member) => member switch
    {
        System.Reflection.FieldInfo => true,
        System.Reflection.PropertyInfo property => property.DeclaringType?.GetField($"<{property.Name}>k__BackingField",
            System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic) is not null,
        _ => false,
    };

    /// <summary>
    /// Refuses a type whose JSON would lose data on restore: System.Text.Json writes every public
    /// property but silently skips, when reading, one with neither a setter nor a constructor parameter
    /// (computed properties, which hold no state of their own, are fine).
    /// </summary>
    private static void CheckRoundTrips(Type type, HashSet<Type> seen)
    {
        if (!seen.Add(type)) return;
        var info = StateCodecNames.JsonOptions.GetTypeInfo(type);
        if (info.ElementType is { } element) CheckRoundTrips(element, seen);
        if (info.KeyType is { } key) CheckRoundTrips(key, seen);
        if (info.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in info.Properties)
        {
            if (property.Get is not null && property.Set is null && property.AssociatedParameter is null && HoldsData(property.AttributeProvider))
            {
                throw new NotSupportedException(
                    $"State of type {typeof(T).FullName} cannot be written to a canonical savepoint: the member {type.Name}.{property.Name} " +
                    "has neither a setter nor a constructor parameter, so JSON could not restore it. Give it one (a record's positional parameters or { get; init; }) or take a native savepoint.");
            }
            CheckRoundTrips(property.PropertyType, seen);
        }
    }
}
