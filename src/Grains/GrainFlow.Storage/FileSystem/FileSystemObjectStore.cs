using System.Runtime.CompilerServices;

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
    private static readonly FileETags ETags = new();

    private readonly ObjectFilePaths _paths;
    private readonly EmptyDirectories _emptyDirectories;
    private readonly ObjectFileWriter _writer;

    /// <param name="rootDirectory">The directory holding the objects; created on the first write.</param>
    /// <param name="keyPrefix">Optional folder below <paramref name="rootDirectory"/> that all keys live in.</param>
    /// <param name="directIo">
    /// Whether <see cref="PutPartsAsync"/> writes with direct I/O where the platform and file system
    /// allow it (see <see cref="DirectFileWriter"/>); false always writes through the page cache.
    /// </param>
    public FileSystemObjectStore(string rootDirectory, string? keyPrefix = null, bool directIo = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        _paths = new ObjectFilePaths(rootDirectory, keyPrefix);
        _emptyDirectories = new EmptyDirectories(_paths);
        _writer = new ObjectFileWriter(Locks, ETags, new TemporaryFiles(_emptyDirectories), directIo, Location);
    }

    /// <summary>The absolute directory that keys are resolved against.</summary>
    public string RootDirectory => _paths.Root;

    public string Location => _paths.Root;

    public async Task<string> PutAsync(string key, ReadOnlyMemory<byte> data, WriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        var path = _paths.PathOf(key);
        ValidateCondition(condition);
        return await _writer.PutAsync(key, path, data, condition, cancellationToken).ConfigureAwait(false);
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
        var path = _paths.PathOf(key);
        ValidateCondition(condition);
        return await _writer.PutPartsAsync(key, path, parts, condition, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = _paths.PathOf(key);
        try
        {
            var openedAt = DateTime.UtcNow;
            using var handle = ObjectFileReader.TryOpen(path);
            if (handle is null)
            {
                return null;
            }

            var lastWrite = File.GetLastWriteTimeUtc(handle);
            var data = await ObjectFileReader.ReadAllAsync(handle, cancellationToken).ConfigureAwait(false);
            var etag = FileETags.Of(data);
            ETags.Remember(path, data.Length, lastWrite, openedAt, etag);
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
        var path = _paths.PathOf(key);
        try
        {
            using var handle = ObjectFileReader.TryOpen(path);
            if (handle is null)
            {
                return null;
            }

            return await ObjectFileReader.ReadRangeAsync(handle, offset, length, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "read a range of", key, Location);
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = _paths.PathOf(key);
        try
        {
            return Task.FromResult(ObjectFileReader.TryOpenStream(path));
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "open", key, Location);
        }
    }

    public async Task<long> AppendAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var path = _paths.PathOf(key);
        try
        {
            using (await Locks.AcquireAsync(path, cancellationToken).ConfigureAwait(false))
            {
                return await DirectoryRace.CreateInAsync(Path.GetDirectoryName(path)!, async () =>
                {
                    await using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
                    await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                    stream.Flush(flushToDisk: true);
                    ETags.Forget(path);
                    return stream.Length;
                }).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "append to", key, Location);
        }
    }

    public async Task<ObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = _paths.PathOf(key);
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
            keys = _paths.FindKeys(prefix, includeTemporaryFiles: false);
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
                info = await TryGetInfoAsync(key, _paths.PathOf(key), cancellationToken).ConfigureAwait(false);
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
        var path = _paths.PathOf(key);
        try
        {
            using (await Locks.AcquireAsync(path, cancellationToken).ConfigureAwait(false))
            {
                if (ifMatch is not null)
                {
                    // A version that is gone no longer matches, as with a put with IfMatch.
                    var current = await ETags.TryGetAsync(path, cancellationToken).ConfigureAwait(false);
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
                ETags.Forget(path);
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
            foreach (var key in _paths.FindKeys(prefix, includeTemporaryFiles: true))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var path = _paths.PathOfFoundKey(key);
                using (await Locks.AcquireAsync(path, cancellationToken).ConfigureAwait(false))
                {
                    if (File.Exists(path))
                    {
                        File.Delete(path);
                        ETags.Forget(path);
                        if (!TemporaryFiles.IsTemporaryFileName(Path.GetFileName(path)))
                        {
                            deleted++;
                        }
                    }
                }
            }

            _emptyDirectories.RemoveBelow(prefix);
            return deleted;
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "delete", prefix.Length == 0 ? "(all keys)" : prefix + "*", Location);
        }
    }

    public override string ToString() => $"file store at {_paths.Root}";

    private static void ValidateCondition(WriteCondition condition)
    {
        if (condition.Kind == WriteConditionKind.IfMatch && string.IsNullOrEmpty(condition.ETag))
        {
            throw new ArgumentException("WriteCondition.IfMatch needs the ETag the caller last read.", nameof(condition));
        }
    }

    private async Task<ObjectInfo?> TryGetInfoAsync(string key, string path, CancellationToken cancellationToken)
    {
        var openedAt = DateTime.UtcNow;
        using var handle = ObjectFileReader.TryOpen(path);
        if (handle is null)
        {
            return null;
        }

        var length = RandomAccess.GetLength(handle);
        var lastWrite = File.GetLastWriteTimeUtc(handle);
        var etag = await ETags.GetAsync(path, handle, length, lastWrite, openedAt, cancellationToken).ConfigureAwait(false);
        return new ObjectInfo(key, length, new DateTimeOffset(lastWrite, TimeSpan.Zero), etag);
    }
}
