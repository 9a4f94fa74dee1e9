using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>Writes and reads values of one type in snapshots; its <see cref="Name"/> is recorded so a restore can tell what wrote the bytes.</summary>
public interface IStateCodec<T>
{
    string Name { get; }

    void Write(BinaryWriter writer, T value);

    T Read(BinaryReader reader);
}

/// <summary>
/// Picks the codec for a type: compact built-ins for primitives and strings, Orleans' serializer for
/// everything else (user types need <c>[GenerateSerializer]</c>, as for any Orleans message).
/// </summary>
public sealed class StateCodecs(IServiceProvider services)
{
    private readonly ConcurrentDictionary<Type, object> _codecs = new();

    public IStateCodec<T> For<T>() => (IStateCodec<T>)_codecs.GetOrAdd(typeof(T), _ => Create<T>());

    private object Create<T>()
    {
        if (typeof(T) == typeof(long)) return new Builtin<long>("long", (w, v) => w.Write(v), r => r.ReadInt64());
        if (typeof(T) == typeof(int)) return new Builtin<int>("int", (w, v) => w.Write(v), r => r.ReadInt32());
        if (typeof(T) == typeof(double)) return new Builtin<double>("double", (w, v) => w.Write(v), r => r.ReadDouble());
        if (typeof(T) == typeof(bool)) return new Builtin<bool>("bool", (w, v) => w.Write(v), r => r.ReadBoolean());
        if (typeof(T) == typeof(string)) return new Builtin<string>("string", (w, v) => w.Write(v), r => r.ReadString());
        return new OrleansCodec<T>(services.GetRequiredService<Serializer<T>>());
    }

    private sealed class Builtin<T>(string name, Action<BinaryWriter, T> write, Func<BinaryReader, T> read) : IStateCodec<T>
    {
        public string Name { get; } = name;

        public void Write(BinaryWriter writer, T value) => write(writer, value);

        public T Read(BinaryReader reader) => read(reader);
    }

    private sealed class OrleansCodec<T>(Serializer<T> serializer) : IStateCodec<T>
    {
        public string Name { get; } = $"orleans:{typeof(T).FullName}";

        public void Write(BinaryWriter writer, T value)
        {
            var bytes = serializer.SerializeToArray(value);
            writer.Write7BitEncodedInt(bytes.Length);
            writer.Write(bytes);
        }

        public T Read(BinaryReader reader) => serializer.Deserialize(reader.ReadBytes(reader.Read7BitEncodedInt()))!;
    }
}
