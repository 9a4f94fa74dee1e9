using Microsoft.Win32.SafeHandles;

namespace GrainFlow.Storage.FileSystem;

/// <summary>Opens and reads the file of an object, treating a missing file or a directory as no object.</summary>
internal static class ObjectFileReader
{
    public const int BufferSize = 128 * 1024;

    /// <summary>Opens a file for reading, or returns null when there is no object (missing, or a directory).</summary>
    public static SafeFileHandle? TryOpen(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            // A "folder" of other keys, not an object.
            return null;
        }
    }

    /// <summary>Opens a file as a sequential stream, or returns null when there is no object (missing, or a directory).</summary>
    public static Stream? TryOpenStream(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                return null;
            }

            // FileShare.Delete lets a writer rename a new version over this one while it is being read.
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Reads the whole file (as long as it is now; shorter if it shrinks meanwhile).</summary>
    public static async Task<byte[]> ReadAllAsync(SafeFileHandle handle, CancellationToken cancellationToken)
    {
        var length = RandomAccess.GetLength(handle);
        var data = new byte[length];
        var read = await ReadAtAsync(handle, data, 0, cancellationToken).ConfigureAwait(false);
        if (read < data.Length)
        {
            Array.Resize(ref data, read);
        }

        return data;
    }

    /// <summary>Reads up to <paramref name="length"/> bytes from <paramref name="offset"/>: fewer where the file ends, none past its end.</summary>
    public static async Task<byte[]> ReadRangeAsync(SafeFileHandle handle, long offset, int length, CancellationToken cancellationToken)
    {
        var available = Math.Max(0, RandomAccess.GetLength(handle) - offset);
        var buffer = new byte[(int)Math.Min(length, available)];
        var read = await ReadAtAsync(handle, buffer, offset, cancellationToken).ConfigureAwait(false);
        if (read < buffer.Length)
        {
            Array.Resize(ref buffer, read);
        }

        return buffer;
    }

    private static async Task<int> ReadAtAsync(SafeFileHandle handle, byte[] buffer, long offset, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(total), offset + total, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
