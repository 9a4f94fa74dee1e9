using System.Text;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>A reused buffer that codecs write a key or a value into for one RocksDB call: no array per read or write.</summary>
internal sealed class SerializationBuffer
{
    private readonly MemoryStream _stream = new();

    public SerializationBuffer() => Writer = new BinaryWriter(_stream, Encoding.UTF8, leaveOpen: true);

    public BinaryWriter Writer { get; }

    /// <summary>The bytes written since the last <see cref="Reset"/>; valid until the next write.</summary>
    public ReadOnlySpan<byte> Written
    {
        get
        {
            Writer.Flush();
            return _stream.GetBuffer().AsSpan(0, (int)_stream.Length);
        }
    }

    public int Length
    {
        get
        {
            Writer.Flush();
            return (int)_stream.Length;
        }
    }

    public void Reset() => _stream.SetLength(0);

    /// <summary>Appends raw bytes (a key-group prefix, a time).</summary>
    public void Write(ReadOnlySpan<byte> bytes) => Writer.Write(bytes);

    /// <summary>Cuts what was written back to <paramref name="length"/> bytes.</summary>
    public void Truncate(int length)
    {
        Writer.Flush();
        _stream.SetLength(length);
    }

    public static BinaryReader Reader(byte[] bytes, int offset) =>
        new(new MemoryStream(bytes, offset, bytes.Length - offset, writable: false), Encoding.UTF8);
}
