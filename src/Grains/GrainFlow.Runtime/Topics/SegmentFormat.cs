using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using GrainFlow.Topics;

namespace GrainFlow.Runtime.Topics;

/// <summary>
/// The bytes of a topic segment: a sequence of frames <c>[int32 body length][uint32 CRC-32 of body][body]</c>,
/// body = <c>[int64 timestamp ms][int32 key length, -1 for none][key UTF-8][value]</c>, little endian.
/// The checksum lets a restarted partition find where a torn append ends.
/// </summary>
internal static class SegmentFormat
{
    public const int HeaderBytes = 8;
    private const int BodyPrefixBytes = 12;

    public static byte[] Encode(IReadOnlyList<TopicRecord> records, out int[] frameSizes)
    {
        frameSizes = new int[records.Count];
        var total = 0;
        for (var i = 0; i < records.Count; i++)
        {
            frameSizes[i] = HeaderBytes + BodyPrefixBytes + (records[i].Key is { } key ? Encoding.UTF8.GetByteCount(key) : 0) + records[i].Value.Length;
            total += frameSizes[i];
        }
        var buffer = new byte[total];
        var position = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var frame = buffer.AsSpan(position, frameSizes[i]);
            var body = frame[HeaderBytes..];
            BinaryPrimitives.WriteInt64LittleEndian(body, record.TimestampMs);
            var keyLength = record.Key is null ? -1 : Encoding.UTF8.GetBytes(record.Key, body[BodyPrefixBytes..]);
            BinaryPrimitives.WriteInt32LittleEndian(body[8..], keyLength);
            record.Value.CopyTo(body[(BodyPrefixBytes + Math.Max(keyLength, 0))..]);
            BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], Crc32.HashToUInt32(body));
            position += frameSizes[i];
        }
        return buffer;
    }

    /// <summary>
    /// Reads the frame at the start of <paramref name="data"/>. Returns false when the data ends before
    /// the frame does (read more), and throws when the frame is corrupt.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out TopicRecord record, out int frameSize)
    {
        record = null!;
        frameSize = 0;
        if (data.Length < HeaderBytes) return false;
        var bodyLength = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (bodyLength < BodyPrefixBytes) throw new InvalidDataException($"A frame declares an impossible length {bodyLength}.");
        if (data.Length < HeaderBytes + bodyLength) return false;
        var body = data.Slice(HeaderBytes, bodyLength);
        if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(data[4..]))
        {
            throw new InvalidDataException("A frame's checksum does not match its contents.");
        }
        var timestamp = BinaryPrimitives.ReadInt64LittleEndian(body);
        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(body[8..]);
        if (keyLength > bodyLength - BodyPrefixBytes) throw new InvalidDataException($"A frame declares a key of {keyLength} bytes in a body of {bodyLength}.");
        var key = keyLength < 0 ? null : Encoding.UTF8.GetString(body.Slice(BodyPrefixBytes, keyLength));
        var value = body[(BodyPrefixBytes + Math.Max(keyLength, 0))..].ToArray();
        record = new TopicRecord(key, value, timestamp);
        frameSize = HeaderBytes + bodyLength;
        return true;
    }

    /// <summary>Walks the valid frames of a whole segment; stops at the end or at the first torn or corrupt frame.</summary>
    public static (long ValidBytes, List<long> FramePositions) Scan(ReadOnlySpan<byte> segment)
    {
        var positions = new List<long>();
        var position = 0;
        while (position < segment.Length)
        {
            try
            {
                if (!TryDecode(segment[position..], out _, out var size)) break;
                positions.Add(position);
                position += size;
            }
            catch (InvalidDataException)
            {
                break;
            }
        }
        return (position, positions);
    }
}
