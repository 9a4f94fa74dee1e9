using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// A write-only stream that cuts what is written into <see cref="ObjectPart"/>s in pooled, aligned
/// <see cref="ObjectPartBuffer"/>s (which the file store writes without a copy), so
/// a snapshot of any size is serialized with a few part buffers of memory while the parts already
/// full are uploaded. It also hashes the current section (one operator's state).
/// </summary>
/// <remarks>
/// Bytes stay patchable until <see cref="MarkFinal"/> (a length prefix is written as a placeholder and
/// patched once the entries after it are written, so entries go straight into the parts, never through
/// a second buffer). Only final bytes are hashed and only parts made of final bytes are handed out.
/// Parts start small and grow up to the largest size, so that the upload of the first part starts
/// soon after the snapshot does (serializing and writing overlap even for a few megabytes) while a
/// large snapshot is still written in large parts. They double only every
/// <see cref="PartsPerSize"/> parts: the serializer is not much faster than a local disk, and a part
/// twice the size of the one being written is not ready when that write ends — with doubling at
/// every part the disk idled through the whole growth.
/// </remarks>
internal sealed class SnapshotPartStream : Stream
{
    /// <summary>How many parts of one size come before the size doubles.</summary>
    private const int PartsPerSize = 4;

    private readonly int _largestPartBytes;
    // Full parts not handed out yet, with the position of their first byte and their length.
    private readonly Queue<(ObjectPartBuffer Buffer, long Start, int Length)> _full = new();
    private int _nextPartBytes;
    private int _partsAtThisSize;
    private ObjectPartBuffer? _current;
    private long _currentStart;
    private int _currentLength;
    private int _filled;
    private long _position;
    private long _final;
    private StateChecksum _sectionHash = StateChecksum.Create(StateChecksum.Current);

    /// <param name="firstPartBytes">The size of the first <see cref="PartsPerSize"/> parts; each next group is twice as large, up to <paramref name="largestPartBytes"/>.</param>
    /// <param name="largestPartBytes">The size of every part once they stopped growing (the last part may be shorter).</param>
    public SnapshotPartStream(int firstPartBytes, int largestPartBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstPartBytes, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(largestPartBytes, firstPartBytes);
        _nextPartBytes = firstPartBytes;
        _largestPartBytes = largestPartBytes;
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
        _sectionHash = StateChecksum.Create(StateChecksum.Current);
    }

    /// <summary>The checksum of the section so far; call after <see cref="MarkFinal"/>.</summary>
    public ulong SectionChecksum => _sectionHash.Value;

    /// <summary>Overwrites 4 bytes (little endian) at <paramref name="position"/>, which must not be final yet.</summary>
    public void PatchInt32(long position, int value)
    {
        if (position < _final || position + 4 > _position) throw new InvalidOperationException($"Byte {position} can no longer be patched.");
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        for (var i = 0; i < 4; i++)
        {
            var (buffer, start) = BufferAt(position + i);
            buffer.Span[(int)(position + i - start)] = bytes[i];
        }
    }

    /// <summary>Declares everything written so far final: it is hashed, and full parts of it may be taken.</summary>
    public void MarkFinal()
    {
        foreach (var (buffer, start, length) in _full) HashRange(buffer, start, start + length);
        if (_current is { } current) HashRange(current, _currentStart, _currentStart + _filled);
        _final = _position;
    }

    /// <summary>Takes the next full part of final bytes, in order; the caller owns (and must dispose) it.</summary>
    public bool TryTakeFullPart(out ObjectPart part)
    {
        if (_full.TryPeek(out var next) && next.Start + next.Length <= _final)
        {
            _full.Dequeue();
            part = next.Buffer.ToPart(next.Length);
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
        var part = buffer.ToPart(_filled);
        _filled = 0;
        return part;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    // Called for every field of every entry: optimized from the first checkpoint on (see StateTableSnapshot.WriteKeyGroup).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_current is null)
            {
                _currentLength = _nextPartBytes;
                if (++_partsAtThisSize == PartsPerSize)
                {
                    _nextPartBytes = (int)Math.Min(2L * _nextPartBytes, _largestPartBytes);
                    _partsAtThisSize = 0;
                }
                _current = ObjectPartBuffer.Rent(_currentLength);
                _currentStart = _position;
            }
            var take = Math.Min(buffer.Length, _currentLength - _filled);
            buffer[..take].CopyTo(_current.Memory.Span[_filled..]);
            _filled += take;
            _position += take;
            buffer = buffer[take..];
            if (_filled == _currentLength)
            {
                _full.Enqueue((_current, _currentStart, _currentLength));
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
            while (_full.TryDequeue(out var part)) part.Buffer.Dispose();
            _current?.Dispose();
            _current = null;
        }
        base.Dispose(disposing);
    }

    private (Memory<byte> Buffer, long Start) BufferAt(long position)
    {
        if (_current is { } current && position >= _currentStart) return (current.Memory, _currentStart);
        foreach (var (buffer, start, length) in _full)
        {
            if (position >= start && position < start + length) return (buffer.Memory, start);
        }
        throw new InvalidOperationException($"Byte {position} was already handed out.");
    }

    /// <summary>Hashes the not yet hashed bytes of [<paramref name="start"/>, <paramref name="end"/>) held in <paramref name="buffer"/>.</summary>
    private void HashRange(ObjectPartBuffer buffer, long start, long end)
    {
        var from = Math.Max(start, _final);
        if (end > from) _sectionHash.Append(buffer.Memory.Span.Slice((int)(from - start), (int)(end - from)));
    }
}
