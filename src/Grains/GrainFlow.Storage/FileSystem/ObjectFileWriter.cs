using System.IO.Hashing;

namespace GrainFlow.Storage.FileSystem;

/// <summary>
/// Writes the file of an object so that readers see the old or the new bytes, never a mix: into a
/// temporary file next to the target, flushed to disk, then moved to the key if the write condition
/// holds.
/// </summary>
/// <remarks>
/// <see cref="WriteCondition.IfNotExists"/> publishes with link(2) (<see cref="NoReplaceRename"/>),
/// which is atomic even between processes; <see cref="WriteCondition.IfMatch"/> compares and swaps
/// under the key's lock, which only spans this process.
/// </remarks>
/// <param name="locks">The per-key locks shared with the store's other writes and deletes.</param>
/// <param name="etags">The ETags of the store's files, for IfMatch and to forget replaced versions.</param>
/// <param name="temporaryFiles">Where writes go until they are published.</param>
/// <param name="directIo">Whether parts are written with direct I/O where the platform and file system allow it.</param>
/// <param name="location">The store's location, for error messages.</param>
internal sealed class ObjectFileWriter(KeyedAsyncLock locks, FileETags etags, TemporaryFiles temporaryFiles, bool directIo, string location)
{
    /// <summary>Writes <paramref name="data"/> as the object at <paramref name="path"/> and returns its ETag.</summary>
    public async Task<string> PutAsync(string key, string path, ReadOnlyMemory<byte> data, WriteCondition condition, CancellationToken cancellationToken)
    {
        var etag = FileETags.Of(data.Span);
        string? temp = null;
        try
        {
            // The slow part (writing and flushing the bytes) happens outside the lock.
            FileStream stream;
            (temp, stream) = TemporaryFiles.CreateFile(path);
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
            throw FileSystemErrors.ToObjectStoreException(ex, "write", key, location);
        }
        finally
        {
            if (temp is not null)
            {
                temporaryFiles.Discard(temp);
            }
        }
    }

    /// <summary>
    /// Writes the parts, in order, as the object at <paramref name="path"/> and returns its ETag
    /// (see <see cref="FileSystemObjectStore.PutPartsAsync"/>).
    /// </summary>
    public async Task<string> PutPartsAsync(string key, string path, IAsyncEnumerable<ObjectPart> parts, WriteCondition condition, CancellationToken cancellationToken)
    {
        if (condition.Kind == WriteConditionKind.IfNotExists && File.Exists(path))
        {
            // Checked again when publishing; this only saves writing the whole object in vain.
            throw new ObjectStorePreconditionFailedException(key, location);
        }

        string? temp = null;
        try
        {
            var hash = new XxHash64();
            if (directIo && DirectFileWriter.IsPlatformSupported && TemporaryFiles.Create(path, DirectFileWriter.TryCreate) is ({ } directTemp, { } file))
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
                (temp, stream) = TemporaryFiles.CreateFile(path);
                await BufferedFileWriter.WriteAsync(stream, parts, hash, cancellationToken).ConfigureAwait(false);
            }

            await PublishAsync(temp, path, key, condition, cancellationToken).ConfigureAwait(false);
            temp = null;
            return FileETags.Of(hash);
        }
        catch (Exception ex) when (FileSystemErrors.IsStorageFailure(ex))
        {
            throw FileSystemErrors.ToObjectStoreException(ex, "write", key, location);
        }
        finally
        {
            if (temp is not null)
            {
                temporaryFiles.Discard(temp);
            }
        }
    }

    /// <summary>Moves a finished temporary file to its key if <paramref name="condition"/> holds (under the key's lock).</summary>
    private async Task PublishAsync(string temp, string path, string key, WriteCondition condition, CancellationToken cancellationToken)
    {
        using (await locks.AcquireAsync(path, cancellationToken).ConfigureAwait(false))
        {
            switch (condition.Kind)
            {
                case WriteConditionKind.IfNotExists:
                    if (!NoReplaceRename.TryMove(temp, path))
                    {
                        throw new ObjectStorePreconditionFailedException(key, location);
                    }

                    break;

                case WriteConditionKind.IfMatch:
                    var current = await etags.TryGetAsync(path, cancellationToken).ConfigureAwait(false);
                    if (!string.Equals(current, condition.ETag, StringComparison.Ordinal))
                    {
                        throw new ObjectStorePreconditionFailedException(key, location);
                    }

                    File.Move(temp, path, overwrite: true);
                    break;

                default:
                    File.Move(temp, path, overwrite: true);
                    break;
            }

            etags.Forget(path);
        }
    }
}
