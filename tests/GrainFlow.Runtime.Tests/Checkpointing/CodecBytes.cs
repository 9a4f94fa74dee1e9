using System.Text;
using GrainFlow.Runtime.Checkpointing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace GrainFlow.Runtime.Tests.Checkpointing;

/// <summary>One value through a state codec: its bytes, and the value read back from all of them.</summary>
internal static class CodecBytes
{
    public static byte[] Write<T>(IStateCodec<T> codec, T value)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true)) codec.Write(writer, value);
        return stream.ToArray();
    }

    public static T Read<T>(IStateCodec<T> codec, byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        var value = codec.Read(reader);
        Assert.Equal(bytes.Length, reader.BaseStream.Position);
        return value;
    }

    /// <summary>A value as the <c>orleans:&lt;type&gt;</c> codec writes it: Orleans' bytes, length-prefixed.</summary>
    public static byte[] OrleansBytes<T>(IServiceProvider services, T value)
    {
        var bytes = services.GetRequiredService<Serializer<T>>().SerializeToArray(value);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write7BitEncodedInt(bytes.Length);
            writer.Write(bytes);
        }
        return stream.ToArray();
    }
}
