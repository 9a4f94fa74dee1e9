using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Writes a value's fields into a stack buffer and hands the stream one span per value. Codecs run
/// for every entry of a checkpoint (millions), and each <see cref="BinaryWriter"/> call is a call into
/// the snapshot stream (a 7-bit length even one per byte): the bytes are the same, the calls fewer.
/// </summary>
public ref struct CodecSpans
{
    /// <summary>Strings up to this many chars go through the stack buffer; longer ones through <see cref="BinaryWriter.Write(string)"/>.</summary>
    public const int MaxStackChars = 128;

    private readonly Span<byte> _buffer;
    private int _length;

    public CodecSpans(Span<byte> buffer)
    {
        _buffer = buffer;
        _length = 0;
    }

    /// <summary>The bytes so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer[_length..], value);
        _length += sizeof(long);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(bool value) => _buffer[_length++] = value ? (byte)1 : (byte)0;

    /// <summary>As <see cref="BinaryWriter.Write7BitEncodedInt64"/>.</summary>
    public void Write7BitEncoded(long value)
    {
        var rest = (ulong)value;
        while (rest > 0x7F)
        {
            _buffer[_length++] = (byte)(rest | 0x80);
            rest >>= 7;
        }
        _buffer[_length++] = (byte)rest;
    }

    /// <summary>As <see cref="BinaryWriter.Write(string)"/> with UTF-8 (a 7-bit byte count, then the bytes); false, writing nothing, when it would not fit.</summary>
    public bool TryWrite(string value)
    {
        if (value.Length > MaxStackChars) return false;
        var bytes = Encoding.UTF8.GetByteCount(value);
        if (_buffer.Length - _length < bytes + 5) return false;
        Write7BitEncoded(bytes);
        _length += Encoding.UTF8.GetBytes(value, _buffer[_length..]);
        return true;
    }

    /// <summary>A string as <see cref="BinaryWriter.Write(string)"/> writes it, in one call to the stream when it is short.</summary>
    public static void WriteString(BinaryWriter writer, string value)
    {
        Span<byte> buffer = stackalloc byte[5 + MaxStackChars * 3];
        var spans = new CodecSpans(buffer);
        if (spans.TryWrite(value)) writer.Write(spans.Written);
        else writer.Write(value);
    }
}
