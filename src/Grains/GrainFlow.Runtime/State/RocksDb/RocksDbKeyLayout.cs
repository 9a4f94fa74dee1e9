using System.Buffers.Binary;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// How keys are laid out in RocksDB, as in Flink: key-group prefix (big-endian, one byte up to max
/// parallelism 128, else two) + serialized key + serialized namespace (+ user key of a map entry), so the
/// entries of a key group, and those of one key and namespace, are each one contiguous key range. Timers
/// put their time (big-endian, sign bit flipped so negative times sort first) right after the prefix, so
/// a key group's timers are in time order.
/// </summary>
internal static class RocksDbKeyLayout
{
    /// <summary>Flink's computeRequiredBytesInKeyGroupPrefix.</summary>
    public static int PrefixBytes(int maxParallelism) => maxParallelism > 128 ? 2 : 1;

    public static void WritePrefix(Span<byte> destination, int keyGroup, int prefixBytes)
    {
        if (prefixBytes == 1) destination[0] = (byte)keyGroup;
        else BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)keyGroup);
    }

    public static int ReadKeyGroup(ReadOnlySpan<byte> key, int prefixBytes) =>
        prefixBytes == 1 ? key[0] : BinaryPrimitives.ReadUInt16BigEndian(key);

    /// <summary>The first key of <paramref name="keyGroup"/> (its prefix alone).</summary>
    public static byte[] KeyGroupStart(int keyGroup, int prefixBytes)
    {
        var bytes = new byte[prefixBytes];
        WritePrefix(bytes, keyGroup, prefixBytes);
        return bytes;
    }

    public static void WriteTime(Span<byte> destination, long time) => BinaryPrimitives.WriteUInt64BigEndian(destination, (ulong)time ^ (1UL << 63));

    public static long ReadTime(ReadOnlySpan<byte> source) => (long)(BinaryPrimitives.ReadUInt64BigEndian(source) ^ (1UL << 63));

    /// <summary>The smallest key greater than every key starting with <paramref name="prefix"/>; null when there is none (all bytes 0xFF).</summary>
    public static byte[]? Successor(ReadOnlySpan<byte> prefix)
    {
        var bytes = prefix.ToArray();
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (bytes[i] == 0xFF) continue;
            bytes[i]++;
            return bytes[..(i + 1)];
        }
        return null;
    }
}
