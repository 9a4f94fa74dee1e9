using System.Collections.Immutable;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>The value of a list state in RocksDB: its elements' bytes one after the other, each by the element codec.</summary>
internal static class RocksDbListElements
{
    public static ImmutableList<T> Read<T>(byte[] value, IStateCodec<T> codec)
    {
        var elements = ImmutableList.CreateBuilder<T>();
        using var reader = SerializationBuffer.Reader(value, 0);
        while (reader.BaseStream.Position < reader.BaseStream.Length) elements.Add(codec.Read(reader));
        return elements.ToImmutable();
    }
}
