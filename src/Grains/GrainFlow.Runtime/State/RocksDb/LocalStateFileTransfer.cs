using System.Buffers;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// Puts a state file that is on this machine's file system (a local copy, or a file-system checkpoint storage) into a restoring
/// instance's directory without writing its bytes again where that is safe: an SST file is hard-linked, since RocksDB never
/// writes to one and only ever deletes it (which removes the link, not the file it was linked from); the small files RocksDB
/// rewrites or appends to (MANIFEST, CURRENT, OPTIONS) are copied. Either way the bytes are read once, to be checksummed.
/// </summary>
internal static class LocalStateFileTransfer
{
    private const int BufferBytes = 1 << 20;

    /// <summary>Whether RocksDB leaves the file named <paramref name="localName"/> as it is once written (SST files).</summary>
    private static bool IsImmutable(string localName) => localName.EndsWith(".sst", StringComparison.Ordinal);

    /// <summary>
    /// Links or copies <paramref name="source"/> to <paramref name="target"/> and returns the size and checksum (by <paramref name="algorithm"/>) of what
    /// <paramref name="target"/> then holds; null when there is no file at <paramref name="source"/>. A size other than
    /// <paramref name="expectedSize"/> is returned without reading or placing anything.
    /// </summary>
    /// <exception cref="IOException">The target cannot be written (it exists, or the disk is full or not writable).</exception>
    public static async Task<(long Size, ulong Checksum)?> PlaceAsync(string source, string target, string localName, long expectedSize, string algorithm,
        CancellationToken cancellation)
    {
        var info = new FileInfo(source);
        if (!info.Exists) return null;
        if (info.Length != expectedSize) return (info.Length, 0);
        return IsImmutable(localName) && LocalFileLink.TryCreate(source, target)
            ? await ReadAsync(target, null, algorithm, cancellation)
            : await ReadAsync(source, target, algorithm, cancellation);
    }

    /// <summary>Reads <paramref name="input"/> to its end once, checksumming it and writing it to a new file at <paramref name="copy"/> when there is one.</summary>
    /// <exception cref="IOException"><paramref name="copy"/> exists or cannot be written.</exception>
    public static async Task<(long Size, ulong Checksum)> ReadAsync(Stream input, string? copy, string algorithm, CancellationToken cancellation)
    {
        var checksum = StateChecksum.Create(algorithm);
        long size = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            await using var output = copy is null ? null : new FileStream(copy, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
            int read;
            while ((read = await input.ReadAsync(buffer.AsMemory(0, BufferBytes), cancellation)) > 0)
            {
                checksum.Append(buffer.AsSpan(0, read));
                size += read;
                if (output is not null) await output.WriteAsync(buffer.AsMemory(0, read), cancellation);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return (size, checksum.Value);
    }

    private static async Task<(long Size, ulong Checksum)> ReadAsync(string path, string? copy, string algorithm, CancellationToken cancellation)
    {
        await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await ReadAsync(input, copy, algorithm, cancellation);
    }
}
