using System.Buffers;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace GrainFlow.Storage.FileSystem;

/// <summary>
/// The ETags of the file store: XxHash64 hashes of the content (so rewriting identical bytes keeps the
/// ETag), remembered per file so that unchanged files need not be read again.
/// </summary>
internal sealed class FileETags
{
    private readonly ContentHashCache _hashes = new();

    public static string Of(ReadOnlySpan<byte> data) => XxHash64.HashToUInt64(data).ToString("x16");

    /// <summary>The ETag of the bytes appended to <paramref name="hash"/> so far.</summary>
    public static string Of(XxHash64 hash) => hash.GetCurrentHashAsUInt64().ToString("x16");

    /// <summary>The ETag of the file at <paramref name="path"/>, or null when there is no object there.</summary>
    public async Task<string?> TryGetAsync(string path, CancellationToken cancellationToken)
    {
        var openedAt = DateTime.UtcNow;
        using var handle = ObjectFileReader.TryOpen(path);
        if (handle is null)
        {
            return null;
        }

        return await GetAsync(path, handle, RandomAccess.GetLength(handle), File.GetLastWriteTimeUtc(handle), openedAt, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="openedAt">When the handle was opened: the cache may only trust versions older than that.</param>
    public async Task<string> GetAsync(string path, SafeFileHandle handle, long length, DateTime lastWrite, DateTime openedAt, CancellationToken cancellationToken)
    {
        if (_hashes.TryGet(path, length, lastWrite, out var cached))
        {
            return cached;
        }

        var hash = new XxHash64();
        var buffer = ArrayPool<byte>.Shared.Rent(ObjectFileReader.BufferSize);
        try
        {
            long position = 0;
            while (position < length)
            {
                var want = (int)Math.Min(buffer.Length, length - position);
                var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, want), position, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                hash.Append(buffer.AsSpan(0, read));
                position += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var etag = Of(hash);
        _hashes.Remember(path, length, lastWrite, openedAt, etag);
        return etag;
    }

    /// <summary>Records the ETag of content read through a handle opened at <paramref name="openedAt"/>.</summary>
    public void Remember(string path, long length, DateTime lastWrite, DateTime openedAt, string etag) =>
        _hashes.Remember(path, length, lastWrite, openedAt, etag);

    /// <summary>Drops what is known of the file at <paramref name="path"/>: call after changing or deleting it.</summary>
    public void Forget(string path) => _hashes.Forget(path);
}
