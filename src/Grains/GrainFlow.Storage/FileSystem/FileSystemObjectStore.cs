using System.Buffers;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace GrainFlow.Storage.FileSystem;

/// <summary>
/// An <see cref="IObjectStore"/> on a local (or mounted) directory: one file per key, '/' in keys
/// becoming subdirectories.
/// </summary>
/// <remarks>
/// <para>Puts write a temporary file next to the target, flush it to disk and rename it over the
/// target, so readers see the old or the new bytes, never a mix. <see cref="WriteCondition.IfNotExists"/>
/// publishes with link(2), which is atomic even between processes. <see cref="WriteCondition.IfMatch"/>
/// and <c>DeleteAsync(key, ifMatch)</c> compare and swap under a per-key lock that only spans this
/// process: enough for the embedded single-silo setup this store is meant for; use the Azure Blob
/// store when several processes write the same keys.</para>
/// <para>ETags are XxHash64 hashes of the content (so rewriting identical bytes keeps the ETag).</para>
/// </remarks>
public sealed class FileSystemObjectStore : IObjectStore
{
    // Static so that two store instances on the same directory in one process still exclude each other.
    private static readonly KeyedAsyncLock Locks = new();
    private static readonly ContentHashCache Hashes = new();

    private const int ReadBufferSize = 128 * 1024;
    private const int DirectoryRaceRetries = 3;

    private readonly string _root;
    private readonly bool _directIo;

    /// <param name="rootDirectory">The directory holding the objects; created on the first write.</param>
    /// <param name="keyPrefix">Optional folder below <paramref name="rootDirectory"/> that all keys live in.</param>
    /// <param name="directIo">
    /// Whether <see cref="PutPartsAsync"/> writes with direct I/O where the platform and file system
    /// allow it (see <see cref="DirectFileWriter"/>); false always writes through the page cache.
    /// </param>
    public FileSystemObjectStore(string rootDirectory, string? keyPrefix = null, bool directIo = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        var root = Path.GetFullPath(rootDirectory);
        var prefix = ObjectKeys.NormalizeRootPrefix(keyPrefix);
        if (prefix.Length > 0)
        {
            root = Path.Join(root, ToRelativePath(prefix.TrimEnd('/')));
        }

        _root = Path.TrimEndingDirectorySeparator(root);
        _directIo = directIo;
    }

    /// <summary>The absolute directory that keys are resolved against.</summary>
    public string RootDirectory => _root;

    public string Location => _root;

    public async Task<string> PutAsync(string key, ReadOnlyMemory<byte> data, WriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        ValidateCondition(condition);
        var etag = ComputeETag(data.Span);
        string? temp = null;
        try
        {
            // The slow part (writing and flushing the bytes) happens outside the lock.
            FileStream stream;
            (temp, stream) = CreateTempFile(path);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            await PublishAsync(temp, path, key, condition, cancellationToken).ConfigureAwait(false);
            temp = null;
            return etag;
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "write", key, Location);
        }
        finally
        {
            if (temp is not null)
            {
                DiscardTemp(temp);
            }
        }
    }

    /// <remarks>
    /// Parts go to a temporary file next to the target, one write at a time in order, while the
    /// producer makes the next part; the file is flushed and then published exactly as by
    /// <see cref="PutAsync"/>. A failure deletes the temporary file. On Linux the writes bypass the
    /// page cache where the file system supports it (<see cref="DirectFileWriter"/>).
    /// </remarks>
    public async Task<string> PutPartsAsync(string key, IAsyncEnumerable<ObjectPart> parts, WriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var path = PathOf(key);
        ValidateCondition(condition);
        if (condition.Kind == WriteConditionKind.IfNotExists && File.Exists(path))
        {
            // Checked again when publishing; this only saves writing the whole object in vain.
            throw new ObjectStorePreconditionFailedException(key, Location);
        }

        string? temp = null;
        try
        {
            var hash = new XxHash64();
            if (_directIo && DirectFileWriter.IsPlatformSupported && CreateTemp(path, DirectFileWriter.TryCreate) is ({ } directTemp, { } file))
            {
                temp = directTemp;
                using (file)
                {
                    await DirectFileWriter.WriteAsync(file, parts, hash, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                FileStream stream;
                (temp, stream) = CreateTempFile(path);
                await WriteBufferedAsync(stream, parts, hash, cancellationToken).ConfigureAwait(false);
            }

            await PublishAsync(temp, path, key, condition, cancellationToken).ConfigureAwait(false);
            temp = null;
            return hash.GetCurrentHashAsUInt64().ToString("x16");
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "write", key, Location);
        }
        finally
        {
            if (temp is not null)
            {
                DiscardTemp(temp);
            }
        }
    }

    /// <summary>Writes the parts through the page cache, one write in flight while the producer makes the next part, then flushes to disk.</summary>
    private static async Task WriteBufferedAsync(FileStream stream, IAsyncEnumerable<ObjectPart> parts, XxHash64 hash, CancellationToken cancellationToken)
    {
        await using (stream.ConfigureAwait(false))
        {
            Task writing = Task.CompletedTask;
            ObjectPart? written = null;
            try
            {
                await foreach (var part in parts.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    await writing.ConfigureAwait(false);
                    written?.Dispose();
                    written = part;
                    hash.Append(part.Data.Span);
                    writing = stream.WriteAsync(part.Data, cancellationToken).AsTask();
                }

                await writing.ConfigureAwait(false);
            }
            finally
            {
                // Never leave a write running into a file that is about to be deleted.
                await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                written?.Dispose();
            }

            stream.Flush(flushToDisk: true);
        }
    }

    private static void ValidateCondition(WriteCondition condition)
    {
        if (condition.Kind == WriteConditionKind.IfMatch && string.IsNullOrEmpty(condition.ETag))
        {
            throw new ArgumentException("WriteCondition.IfMatch needs the ETag the caller last read.", nameof(condition));
        }
    }

    /// <summary>Moves a finished temporary file to its key if <paramref name="condition"/> holds (under the key's lock).</summary>
    private async Task PublishAsync(string temp, string path, string key, WriteCondition condition, CancellationToken cancellationToken)
    {
        using (await Locks.AcquireAsync(path, cancellationToken).ConfigureAwait(false))
        {
            switch (condition.Kind)
            {
                case WriteConditionKind.IfNotExists:
                    if (!NoReplaceRename.TryMove(temp, path))
                    {
                        throw new ObjectStorePreconditionFailedException(key, Location);
                    }

                    break;

                case WriteConditionKind.IfMatch:
                    var current = await TryGetETagAsync(path, cancellationToken).ConfigureAwait(false);
                    if (!string.Equals(current, condition.ETag, StringComparison.Ordinal))
                    {
                        throw new ObjectStorePreconditionFailedException(key, Location);
                    }

                    File.Move(temp, path, overwrite: true);
                    break;

                default:
                    File.Move(temp, path, overwrite: true);
                    break;
            }

            Hashes.Forget(path);
        }
    }

    public async Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            var openedAt = DateTime.UtcNow;
            using var handle = TryOpenRead(path);
            if (handle is null)
            {
                return null;
            }

            var lastWrite = File.GetLastWriteTimeUtc(handle);
            var length = RandomAccess.GetLength(handle);
            var data = new byte[length];
            var read = await ReadAtAsync(handle, data, 0, cancellationToken).ConfigureAwait(false);
            if (read < data.Length)
            {
                Array.Resize(ref data, read);
            }

            var etag = ComputeETag(data);
            Hashes.Remember(path, data.Length, lastWrite, openedAt, etag);
            return new StoredObject(data, etag);
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "read", key, Location);
        }
    }

    public async Task<byte[]?> ReadRangeAsync(string key, long offset, int length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var path = PathOf(key);
        try
        {
            using var handle = TryOpenRead(path);
            if (handle is null)
            {
                return null;
            }

            var available = Math.Max(0, RandomAccess.GetLength(handle) - offset);
            var buffer = new byte[(int)Math.Min(length, available)];
            var read = await ReadAtAsync(handle, buffer, offset, cancellationToken).ConfigureAwait(false);
            if (read < buffer.Length)
            {
                Array.Resize(ref buffer, read);
            }

            return buffer;
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "read a range of", key, Location);
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            if (Directory.Exists(path))
            {
                return Task.FromResult<Stream?>(null);
            }

            // FileShare.Delete lets a writer rename a new version over this one while it is being read.
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, ReadBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "open", key, Location);
        }
    }

    public async Task<long> AppendAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            using (await Locks.AcquireAsync(path, cancellationToken).ConfigureAwait(false))
            {
                for (var attempt = 1; ; attempt++)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    try
                    {
                        await using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
                        await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                        stream.Flush(flushToDisk: true);
                        Hashes.Forget(path);
                        return stream.Length;
                    }
                    catch (DirectoryNotFoundException) when (attempt < DirectoryRaceRetries)
                    {
                        // A concurrent DeletePrefixAsync removed the (then empty) directory: create it again.
                    }
                }
            }
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "append to", key, Location);
        }
    }

    public async Task<ObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            return await TryGetInfoAsync(key, path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "read the metadata of", key, Location);
        }
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix);
        List<string> keys;
        try
        {
            keys = FindKeys(prefix, includeTemporaryFiles: false);
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "list", prefix.Length == 0 ? "(all keys)" : prefix + "*", Location);
        }

        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectInfo? info;
            try
            {
                info = await TryGetInfoAsync(key, PathOf(key), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
            {
                throw FileSystemErrors.ToObjectStoreException(ex, "list", key, Location);
            }

            // Deleted between the directory scan and now: it is simply no longer there.
            if (info is not null)
            {
                yield return info;
            }
        }
    }

    public async Task<bool> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            using (await Locks.AcquireAsync(path, cancellationToken).ConfigureAwait(false))
            {
                if (ifMatch is not null)
                {
                    // A version that is gone no longer matches, as with a put with IfMatch.
                    var current = await TryGetETagAsync(path, cancellationToken).ConfigureAwait(false);
                    if (!string.Equals(current, ifMatch, StringComparison.Ordinal))
                    {
                        throw new ObjectStorePreconditionFailedException(key, Location);
                    }
                }
                else if (!File.Exists(path))
                {
                    return false;
                }

                File.Delete(path);
                Hashes.Forget(path);
                return true;
            }
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "delete", key, Location);
        }
    }

    public async Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix);
        try
        {
            var deleted = 0;
            foreach (var key in FindKeys(prefix, includeTemporaryFiles: true))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var path = Path.Join(_root, ToRelativePath(key));
                using (await Locks.AcquireAsync(path, cancellationToken).ConfigureAwait(false))
                {
                    if (File.Exists(path))
                    {
                        File.Delete(path);
                        Hashes.Forget(path);
                        if (!IsTemporaryFileName(Path.GetFileName(path)))
                        {
                            deleted++;
                        }
                    }
                }
            }

            RemoveEmptyDirectories(prefix);
            return deleted;
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "delete", prefix.Length == 0 ? "(all keys)" : prefix + "*", Location);
        }
    }

    public override string ToString() => $"file store at {_root}";

    private string PathOf(string key)
    {
        ObjectKeys.Validate(key);
        return Path.Join(_root, ToRelativePath(key));
    }

    private static string ToRelativePath(string key) =>
        Path.DirectorySeparatorChar == '/' ? key : key.Replace('/', Path.DirectorySeparatorChar);

    private string ToKey(string fullPath)
    {
        var relative = Path.GetRelativePath(_root, fullPath);
        return Path.DirectorySeparatorChar == '/' ? relative : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    private static bool IsTemporaryFileName(string fileName) =>
        fileName.StartsWith(ObjectKeys.ReservedSegmentPrefix, StringComparison.Ordinal);

    private static string ComputeETag(ReadOnlySpan<byte> data) => XxHash64.HashToUInt64(data).ToString("x16");

    /// <summary>Creates a new temporary file next to <paramref name="path"/>, open for writing.</summary>
    private static (string Temp, FileStream Stream) CreateTempFile(string path)
    {
        var (temp, stream) = CreateTemp(path, temp => new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous));
        return (temp, stream!);
    }

    /// <summary>Creates a new temporary file next to <paramref name="path"/> with <paramref name="create"/> (which may decline by returning null).</summary>
    private static (string Temp, T? File) CreateTemp<T>(string path, Func<string, T?> create)
        where T : class
    {
        var directory = Path.GetDirectoryName(path)!;
        for (var attempt = 1; ; attempt++)
        {
            Directory.CreateDirectory(directory);
            var temp = Path.Join(directory, ObjectKeys.ReservedSegmentPrefix + Guid.NewGuid().ToString("N"));
            try
            {
                return (temp, create(temp));
            }
            catch (DirectoryNotFoundException) when (attempt < DirectoryRaceRetries)
            {
                // A concurrent DeletePrefixAsync removed the (then empty) directory: create it again.
            }
        }
    }

    /// <summary>Opens a file for reading, or returns null when there is no object (missing, or a directory).</summary>
    private static SafeFileHandle? TryOpenRead(string path)
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

    private async Task<ObjectInfo?> TryGetInfoAsync(string key, string path, CancellationToken cancellationToken)
    {
        var openedAt = DateTime.UtcNow;
        using var handle = TryOpenRead(path);
        if (handle is null)
        {
            return null;
        }

        var length = RandomAccess.GetLength(handle);
        var lastWrite = File.GetLastWriteTimeUtc(handle);
        var etag = await GetETagAsync(path, handle, length, lastWrite, openedAt, cancellationToken).ConfigureAwait(false);
        return new ObjectInfo(key, length, new DateTimeOffset(lastWrite, TimeSpan.Zero), etag);
    }

    private static async Task<string?> TryGetETagAsync(string path, CancellationToken cancellationToken)
    {
        var openedAt = DateTime.UtcNow;
        using var handle = TryOpenRead(path);
        if (handle is null)
        {
            return null;
        }

        return await GetETagAsync(path, handle, RandomAccess.GetLength(handle), File.GetLastWriteTimeUtc(handle), openedAt, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="openedAt">When the handle was opened: the cache may only trust versions older than that.</param>
    private static async Task<string> GetETagAsync(string path, SafeFileHandle handle, long length, DateTime lastWrite, DateTime openedAt, CancellationToken cancellationToken)
    {
        if (Hashes.TryGet(path, length, lastWrite, out var cached))
        {
            return cached;
        }

        var hash = new XxHash64();
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
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

        var etag = hash.GetCurrentHashAsUInt64().ToString("x16");
        Hashes.Remember(path, length, lastWrite, openedAt, etag);
        return etag;
    }

    /// <summary>
    /// Keys (relative, '/'-separated) of the files below the deepest directory the prefix names,
    /// filtered by the prefix and sorted ordinally.
    /// </summary>
    private List<string> FindKeys(string prefix, bool includeTemporaryFiles)
    {
        var lastSlash = prefix.LastIndexOf('/');
        var start = lastSlash < 0 ? _root : Path.Join(_root, ToRelativePath(prefix[..lastSlash]));
        var keys = new List<string>();
        if (!Directory.Exists(start))
        {
            return keys;
        }

        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
            ReturnSpecialDirectories = false,
        };

        foreach (var file in Directory.EnumerateFiles(start, "*", options))
        {
            if (!includeTemporaryFiles && IsTemporaryFileName(Path.GetFileName(file)))
            {
                continue;
            }

            // Temporary files below the prefix (e.g. left behind by a crashed writer) go with it.
            var key = ToKey(file);
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                keys.Add(key);
            }
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <summary>Removes directories left empty below (and on the way up to) the prefix, never the root.</summary>
    private void RemoveEmptyDirectories(string prefix)
    {
        var lastSlash = prefix.LastIndexOf('/');
        var start = lastSlash < 0 ? _root : Path.Join(_root, ToRelativePath(prefix[..lastSlash]));
        if (!Directory.Exists(start))
        {
            return;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, ReturnSpecialDirectories = false };
        var candidates = Directory.EnumerateDirectories(start, "*", options)
            .Where(directory => (ToKey(directory) + "/").StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(directory => directory.Length)
            .ToList();
        foreach (var directory in candidates)
        {
            TryRemoveEmptyDirectory(directory);
        }

        // Then the start directory and its parents, as far as they became empty.
        for (var directory = start; !IsRoot(directory); directory = Path.GetDirectoryName(directory)!)
        {
            if (!TryRemoveEmptyDirectory(directory))
            {
                break;
            }
        }
    }

    private bool IsRoot(string directory) =>
        Path.TrimEndingDirectorySeparator(directory).Length <= _root.Length;

    private static bool TryRemoveEmptyDirectory(string directory)
    {
        try
        {
            if (Directory.EnumerateFileSystemEntries(directory).Any())
            {
                return false;
            }

            Directory.Delete(directory, recursive: false);
            return true;
        }
        catch (IOException)
        {
            // Not empty any more (a concurrent write), or already gone.
            return false;
        }
    }

    /// <summary>
    /// Deletes the temporary file of a failed write, and the directories it leaves empty: a write that
    /// created the directory of its key (e.g. a checkpoint's, deleted meanwhile because the checkpoint
    /// was aborted) leaves nothing behind when it fails.
    /// </summary>
    private void DiscardTemp(string temp)
    {
        TryDelete(temp);
        for (var directory = Path.GetDirectoryName(temp)!; !IsRoot(directory); directory = Path.GetDirectoryName(directory)!)
        {
            if (!TryRemoveEmptyDirectory(directory))
            {
                break;
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
