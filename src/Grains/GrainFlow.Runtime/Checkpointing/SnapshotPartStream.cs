using System.Buffers;
using System.IO.Hashing;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// A write-only stream that cuts what is written into <see cref="ObjectPart"/>s of a fixed size in
/// pooled buffers, so a snapshot of any size is serialized with a few part buffers of memory while
/// the parts already full are uploaded. It also hashes the current section (one operator's state).
/// </summary>
internal sealed class SnapshotPartStream : Stream
{
    private readonly int _partBytes;
    private readonly Queue<ObjectPart> _full = new();
    private byte[]? _current;
    private int _filled;
    private long _position;
    private XxHash64 _sectionHash = new();

    public SnapshotPartStream(int partBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partBytes, 1);
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
    public void BeginSection() => _sectionHash = new XxHash64();

    public ulong SectionChecksum => _sectionHash.GetCurrentHashAsUInt64();

    /// <summary>Takes the next part that is full, in order; the caller owns (and must dispose) it.</summary>
    public bool TryTakeFullPart(out ObjectPart part) => _full.TryDequeue(out part!);

    /// <summary>Takes the last, partly filled part (null when nothing is left); call after the last write.</summary>
    public ObjectPart? TakeRest()
    {
        if (_current is not { } buffer || _filled == 0) return null;
        _current = null;
        var part = ObjectPart.FromPooled(buffer, _filled);
        _filled = 0;
        return part;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _sectionHash.Append(buffer);
        _position += buffer.Length;
        while (!buffer.IsEmpty)
        {
            _current ??= ArrayPool<byte>.Shared.Rent(_partBytes);
            var take = Math.Min(buffer.Length, _partBytes - _filled);
            buffer[..take].CopyTo(_current.AsSpan(_filled));
            _filled += take;
            buffer = buffer[take..];
            if (_filled == _partBytes)
            {
                _full.Enqueue(ObjectPart.FromPooled(_current, _filled));
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
            while (_full.TryDequeue(out var part)) part.Dispose();
            if (_current is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
            _current = null;
        }
        base.Dispose(disposing);
    }
}
