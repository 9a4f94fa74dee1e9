using System.IO.Hashing;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace GrainFlow.Storage.FileSystem;

/// <summary>
/// Writes the parts of a large object to a new file with direct I/O (Linux <c>O_DIRECT</c>): the disk
/// takes the bytes from our buffers instead of the kernel copying them into the page cache first.
/// </summary>
/// <remarks>
/// <para>Why: checkpoint state files are written once and read only by a restore. Through the page
/// cache every byte is copied into pages the kernel must first find and dirty, and on the VMs we
/// measured that copy cost a varying 0.3–2.8 s of kernel time per GB, competing with the serializer
/// for the same cores; with direct I/O a GB took 0.03–0.13 s of kernel time, and serializing while
/// writing was as fast as writing alone (docs/BENCHMARKS.md). It also keeps checkpoints from pushing
/// the silo's useful pages out of the cache.</para>
/// <para>Direct I/O needs buffers, offsets and lengths aligned to the device's block size. Parts in
/// <see cref="ObjectPartBuffer"/>s are aligned already and written as they are; other parts are
/// copied into two aligned buffers (one fills while the other is written). The last block is padded
/// with zeros and the file cut back to its real length before the final flush.</para>
/// </remarks>
internal static class DirectFileWriter
{
    private const int Alignment = ObjectPartBuffer.Alignment;

    private const int BufferBytes = ObjectParts.DefaultPartBytes;
    private const int ReadWriteAll = 0b110_110_110; // 0666, narrowed by the umask as for any new file

    private const int OWriteOnly = 0x1;
    private const int OCreate = 0x40;
    private const int OExclusive = 0x80;
    private const int OCloseOnExec = 0x80000;
    private const int ENOENT = 2;
    private const int EACCES = 13;
    private const int EINVAL = 22;

    /// <summary>Linux on x64 and arm64 (whose <c>O_DIRECT</c> values we know); elsewhere writes go through the page cache.</summary>
    public static bool IsPlatformSupported =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    private static int ODirect => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x10000 : 0x4000;

    /// <summary>
    /// Creates <paramref name="path"/> (which must not exist) for direct writes, or returns null when
    /// its file system has no direct I/O (tmpfs, some FUSE and network file systems answer EINVAL).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory is gone (the caller recreates it).</exception>
    /// <exception cref="IOException">Any other failure, with the errno as <see cref="Exception.HResult"/>.</exception>
    public static SafeFileHandle? TryCreate(string path)
    {
        var descriptor = Open(path, OWriteOnly | OCreate | OExclusive | OCloseOnExec | ODirect, ReadWriteAll);
        if (descriptor >= 0)
        {
            return new SafeFileHandle(descriptor, ownsHandle: true);
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == EINVAL)
        {
            // Some kernels create the file before they find the file system cannot do direct I/O.
            File.Delete(path);
            return null;
        }

        var message = $"Could not create '{path}': {Marshal.GetPInvokeErrorMessage(errno)}";
        throw errno switch
        {
            ENOENT => new DirectoryNotFoundException(message),
            EACCES => new UnauthorizedAccessException(message),
            _ => new IOException(message, errno),
        };
    }

    /// <summary>
    /// Writes every part, in order, to <paramref name="file"/> (from <see cref="TryCreate"/>), hashing
    /// the bytes into <paramref name="hash"/>, and flushes the file to disk. A part made from an
    /// <see cref="ObjectPartBuffer"/> is written from its own memory and released when that write
    /// ends; any other part is copied into an aligned buffer and released at once, so the producer
    /// can reuse its memory while the disk writes.
    /// </summary>
    public static async Task WriteAsync(SafeFileHandle file, IAsyncEnumerable<ObjectPart> parts, XxHash64 hash, CancellationToken cancellationToken)
    {
        using var first = ObjectPartBuffer.Rent(BufferBytes);
        using var second = ObjectPartBuffer.Rent(BufferBytes);
        var current = first;
        var filled = 0;
        long offset = 0;
        // One write at a time, so the buffer being filled is never the one being written; a part
        // written from its own memory is held until its write ends.
        var writing = Task.CompletedTask;
        ObjectPart? held = null;
        try
        {
            await foreach (var part in parts.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var data = part.Data;
                var handedOver = false;
                try
                {
                    if (part.IsAligned && filled == 0 && data.Length >= Alignment)
                    {
                        var whole = data.Length / Alignment * Alignment;
                        await StartWritingAsync(data[..whole], part).ConfigureAwait(false);
                        handedOver = true;
                        data = data[whole..];
                    }

                    while (!data.IsEmpty)
                    {
                        var take = Math.Min(data.Length, current.Memory.Length - filled);
                        data.Span[..take].CopyTo(current.Memory.Span[filled..]);
                        filled += take;
                        data = data[take..];
                        if (filled == current.Memory.Length) await WriteCurrentBufferAsync().ConfigureAwait(false);
                    }
                }
                finally
                {
                    if (!handedOver) part.Dispose();
                }

                // A whole part is in: write it now rather than wait for the buffer to fill, so the disk
                // works while the producer makes the next part (unless it ended mid-block).
                if (filled > 0 && filled % Alignment == 0) await WriteCurrentBufferAsync().ConfigureAwait(false);
            }

            await writing.ConfigureAwait(false);
            if (filled > 0)
            {
                var padded = (filled + Alignment - 1) / Alignment * Alignment;
                current.Memory.Span[filled..padded].Clear();
                await WriteBlockAsync(file, current.Memory[..padded], filled, offset, hash, cancellationToken).ConfigureAwait(false);
                RandomAccess.SetLength(file, offset + filled);
            }

            RandomAccess.FlushToDisk(file);
        }
        finally
        {
            // Buffers and held parts must outlive any write still reading them.
            await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            held?.Dispose();
        }

        async Task WriteCurrentBufferAsync()
        {
            await StartWritingAsync(current.Memory[..filled], null).ConfigureAwait(false);
            filled = 0;
            current = ReferenceEquals(current, first) ? second : first;
        }

        // Waits for the write before, then starts writing block at the end of the file.
        async Task StartWritingAsync(ReadOnlyMemory<byte> block, ObjectPart? owner)
        {
            await writing.ConfigureAwait(false);
            held?.Dispose();
            held = owner;
            writing = WriteBlockAsync(file, block, block.Length, offset, hash, cancellationToken);
            offset += block.Length;
        }
    }

    /// <summary>
    /// Hashes the first <paramref name="length"/> bytes of <paramref name="block"/> and writes all of it
    /// at <paramref name="offset"/>, on a pool thread: hashing there rather than where the parts are
    /// copied leaves the producer's thread to the producer. Writes run one at a time, so the hash
    /// sees the bytes in order.
    /// </summary>
    private static Task WriteBlockAsync(SafeFileHandle file, ReadOnlyMemory<byte> block, int length, long offset, XxHash64 hash, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            hash.Append(block.Span[..length]);
            RandomAccess.Write(file, block.Span, offset);
        }, cancellationToken);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);
}
