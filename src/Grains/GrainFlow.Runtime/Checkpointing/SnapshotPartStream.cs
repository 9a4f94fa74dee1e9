using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// A write-only stream that cuts what is written into <see cref="ObjectPart"/>s of a fixed size in
/// pooled buffers, so a snapshot of any size is serialized with a few part buffers of memory while
/// the parts already full are uploaded. It also hashes the current section (one operator's state).
/// </summary>
/// <remarks>
/// Bytes stay patchable until <see cref="MarkFinal"/> (a length prefix is written as a placeholder and
/// patched once the entries after it are written, so entries go straight into the parts, never through
/// a second buffer). Only final bytes are hashed and only parts made of final bytes are handed out.
/// </remarks>
internal sealed class SnapshotPartStream : Stream
{
    private readonly int _partBytes;
    // Full parts not handed out yet, with the position of their first byte.
    private readonly Queue<(byte[] Buffer, long Start)> _full = new();
    private byte[]? _current;
    private long _currentStart;
    private int _filled;
    private long _position;
    private long _final;
    private XxHash64 _sectionHash = new();

    public SnapshotPartStream(int partBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partBytes, 8);
        _partBytes = partBytes;
    }

    /// <summary>Bytes written so far (the offset in the object of the next byte).</summary>
    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _position;

    /// <summary>Starts a new section: <see cref="SectionChecksum"/> covers the bytes written from here on.</summary>
    public void BeginSection()
    {
        MarkFinal();
        _sectionHash = new XxHash64();
    }

    /// <summary>The checksum of the section so far; call after <see cref="MarkFinal"/>.</summary>
    public ulong SectionChecksum => _sectionHash.GetCurrentHashAsUInt64();

    /// <summary>Overwrites 4 bytes (little endian) at <paramref name="position"/>, which must not be final yet.</summary>
    public void PatchInt32(long position, int value)
    {
        if (position < _final || position + 4 > _position) throw new InvalidOperationException($"Byte {position} can no longer be patched.");
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        for (var i = 0; i < 4; i++) BufferAt(position + i)[(int)((position + i) % _partBytes)] = bytes[i];
    }

    /// <summary>Declares everything written so far final: it is hashed, and full parts of it may be taken.</summary>
    public void MarkFinal()
    {
        foreach (var (buffer, start) in _full) HashRange(buffer, start, start + _partBytes);
        if (_current is { } current) HashRange(current, _currentStart, _currentStart + _filled);
        _final = _position;
    }

    /// <summary>Takes the next full part of final bytes, in order; the caller owns (and must dispose) it.</summary>
    public bool TryTakeFullPart(out ObjectPart part)
    {
        if (_full.TryPeek(out var next) && next.Start + _partBytes <= _final)
        {
            _full.Dequeue();
            part = ObjectPart.FromPooled(next.Buffer, _partBytes);
            return true;
        }
        part = null!;
        return false;
    }

    /// <summary>Takes the rest after the last write (null when nothing is left), marking everything final.</summary>
    public ObjectPart? TakeRest()
    {
        MarkFinal();
        if (_full.Count > 0) throw new InvalidOperationException("Take the full parts first.");
        if (_current is not { } buffer || _filled == 0) return null;
        _current = null;
        var part = ObjectPart.FromPooled(buffer, _filled);
        _filled = 0;
        return part;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_current is null)
            {
                _current = ArrayPool<byte>.Shared.Rent(_partBytes);
                _currentStart = _position;
            }
            var take = Math.Min(buffer.Length, _partBytes - _filled);
            buffer[..take].CopyTo(_current.AsSpan(_filled));
            _filled += take;
            _position += take;
            buffer = buffer[take..];
            if (_filled == _partBytes)
            {
                _full.Enqueue((_current, _currentStart));
                _current = null;
                _filled = 0;
            }
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Returns every buffer not handed out (after a failure or a cancelled upload).</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            while (_full.TryDequeue(out var part)) ArrayPool<byte>.Shared.Return(part.Buffer);
            if (_current is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
            _current = null;
        }
        base.Dispose(disposing);
    }

    private byte[] BufferAt(long position)
    {
        if (_current is { } current && position >= _currentStart) return current;
        foreach (var (buffer, start) in _full)
        {
            if (position >= start && position < start + _partBytes) return buffer;
        }
        throw new InvalidOperationException($"Byte {position} was already handed out.");
    }

    /// <summary>Hashes the not yet hashed bytes of [<paramref name="start"/>, <paramref name="end"/>) held in <paramref name="buffer"/>.</summary>
    private void HashRange(byte[] buffer, long start, long end)
    {
        var from = Math.Max(start, _final);
        if (end > from) _sectionHash.Append(buffer.AsSpan((int)(from - start), (int)(end - from)));
    }
}
