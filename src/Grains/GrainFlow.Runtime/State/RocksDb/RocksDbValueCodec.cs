using System.Text;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>A state's value codec over RocksDB's bytes: reads a whole value and writes one through reused buffers, so neither allocates a stream.</summary>
internal sealed class RocksDbValueCodec<T>(IStateCodec<T> codec)
{
    private readonly SerializationBuffer _buffer = new();
    private readonly MemoryStream _read = new();
    private BinaryReader? _reader;

    public T Read(ReadOnlySpan<byte> bytes)
    {
        _read.SetLength(0);
        _read.Write(bytes);
        _read.Position = 0;
        _reader ??= new BinaryReader(_read, Encoding.UTF8, leaveOpen: true);
        return codec.Read(_reader);
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
