using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>A state's value codec over RocksDB's bytes: reads a whole value, writes into a reused buffer.</summary>
internal sealed class RocksDbValueCodec<T>(IStateCodec<T> codec)
{
    private readonly SerializationBuffer _buffer = new();

    public T Read(byte[] bytes)
    {
        using var reader = SerializationBuffer.Reader(bytes, 0);
        return codec.Read(reader);
    }

    /// <summary>The bytes of <paramref name="value"/>; valid until the next write.</summary>
    public ReadOnlySpan<byte> Write(T value)
    {
        _buffer.Reset();
        codec.Write(_buffer.Writer, value);
        return _buffer.Written;
    }

    /// <summary>A merge of two values' bytes through <paramref name="merge"/>, as new bytes.</summary>
    public Func<byte[], byte[], byte[]> Merging(Func<T, T, T> merge) => (a, b) => Write(merge(Read(a), Read(b))).ToArray();
}
