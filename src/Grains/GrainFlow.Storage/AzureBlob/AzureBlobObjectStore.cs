using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace GrainFlow.Storage.AzureBlob;

/// <summary>
/// An <see cref="IObjectStore"/> on one Azure Blob container (or a folder in it): block blobs for
/// puts, append blobs for appends.
/// </summary>
/// <remarks>
/// The container is created the first time a write finds it missing, so a store can be pointed at a
/// fresh account. Reads of a missing container see no objects.
/// </remarks>
public sealed class AzureBlobObjectStore : IObjectStore
{
    /// <summary>Puts up to this size go in one request; larger ones are uploaded as parallel blocks of this size.</summary>
    public const int TransferChunkBytes = 8 * 1024 * 1024;

    /// <summary>
    /// The largest append block every service version (and Azurite) accepts; bigger appends are split,
    /// and a reader may then see the first blocks of an append before the rest.
    /// </summary>
    public const int MaxAppendBlockBytes = 4 * 1024 * 1024;

    private const int DeleteConcurrency = 16;

    private readonly BlobContainerClient _container;
    private readonly string _prefix;
    private readonly StorageTransferOptions _transferOptions;
    private readonly ContainerOnDemand _containerOnDemand;
    private readonly BlockBlobUploader _blockUploader;
    private readonly AppendBlobWriter _appendWriter;
    private readonly BlobListing _listing;

    /// <param name="service">The account; its options decide retries and timeouts (see <see cref="CreateClientOptions"/>).</param>
    /// <param name="containerName">The container, created on first write when missing.</param>
    /// <param name="keyPrefix">Optional folder inside the container, so that one container can hold several stores.</param>
    /// <param name="maxUploadConcurrency">How many blocks of one large put are uploaded at once.</param>
    public AzureBlobObjectStore(BlobServiceClient service, string containerName, string? keyPrefix = null, int maxUploadConcurrency = 8)
        : this(AzureBlobClients.CreateContainerClient(service, containerName), keyPrefix, maxUploadConcurrency)
    {
    }

    public AzureBlobObjectStore(BlobContainerClient container, string? keyPrefix = null, int maxUploadConcurrency = 8)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUploadConcurrency, 1);
        ValidateContainerName(container.Name);
        _container = container;
        _prefix = ObjectKeys.NormalizeRootPrefix(keyPrefix);
        _transferOptions = new StorageTransferOptions
        {
            InitialTransferSize = TransferChunkBytes,
            MaximumTransferSize = TransferChunkBytes,
            MaximumConcurrency = maxUploadConcurrency,
        };

        var containerUrl = _container.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        Location = _prefix.Length == 0 ? containerUrl : $"{containerUrl}/{_prefix.TrimEnd('/')}";
        _containerOnDemand = new ContainerOnDemand(_container);
        _blockUploader = new BlockBlobUploader(_containerOnDemand, maxUploadConcurrency, Location);
        _appendWriter = new AppendBlobWriter(_containerOnDemand);
        _listing = new BlobListing(_container, _prefix, Location);
    }

    /// <summary>
    /// A store for a connection string (a real account or Azurite), with retries bounded by
    /// <see cref="CreateClientOptions"/>.
    /// </summary>
    public static AzureBlobObjectStore FromConnectionString(string connectionString, string containerName, string? keyPrefix = null) =>
        new(CreateServiceClient(connectionString), containerName, keyPrefix);

    /// <summary>
    /// Client options with retries that give up within seconds when the endpoint does not answer.
    /// </summary>
    /// <remarks>
    /// The SDK default (3 retries from 0.8 s, 100 s network timeout per try) makes a stopped emulator or
    /// a wrong endpoint hang callers for minutes; a dataflow job would rather fail fast and restart from
    /// its last checkpoint. Connection refusals now fail after ~4 s (3 tries with 0.5/1/2 s delays); a
    /// try may still take 30 s when the peer accepts but never answers, which still leaves room for an
    /// 8 MiB block on a slow link.
    /// </remarks>
    public static BlobClientOptions CreateClientOptions() => AzureBlobClients.CreateClientOptions();

    /// <summary>Builds a service client from a connection string with <see cref="CreateClientOptions"/>.</summary>
    /// <exception cref="ArgumentException">The connection string cannot be parsed.</exception>
    public static BlobServiceClient CreateServiceClient(string connectionString) => AzureBlobClients.CreateServiceClient(connectionString);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a valid container name:
    /// 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.
    /// </summary>
    public static void ValidateContainerName(string name, string paramName = "containerName") => BlobContainerNames.Validate(name, paramName);

    /// <summary>Whether <paramref name="name"/> is a valid container name (see <see cref="ValidateContainerName"/>).</summary>
    public static bool IsValidContainerName(string? name) => BlobContainerNames.IsValid(name);

    /// <summary>The container this store writes to.</summary>
    public BlobContainerClient Container => _container;

    /// <summary>The container URL, plus the folder when the store has a key prefix.</summary>
    public string Location { get; }

    public async Task<string> PutAsync(string key, ReadOnlyMemory<byte> data, WriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(BlobName(key));
        var options = new BlobUploadOptions { TransferOptions = _transferOptions, Conditions = BlobETags.ToRequestConditions(condition) };
        try
        {
            var response = await _containerOnDemand.WriteAsync(
                () => blob.UploadAsync(BinaryData.FromBytes(data), options, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            return BlobETags.Canonical(response.Value.ETag);
        }
        catch (RequestFailedException ex) when (AzureBlobErrors.IsPreconditionFailure(ex))
        {
            throw new ObjectStorePreconditionFailedException(key, Location, ex);
        }
        catch (Exception ex) when (AzureBlobErrors.IsStorageFailure(ex, cancellationToken))
        {
            throw AzureBlobErrors.ToObjectStoreException(ex, "write", key, Location);
        }
    }

    /// <remarks>
    /// Each part becomes one block of a block blob, staged while the producer makes the next part, with
    /// up to the store's upload concurrency blocks in flight; the block list is committed (with the
    /// condition) only when every block is staged. Until then the blob does not change: staged blocks
    /// are invisible to readers and listings, and the service discards uncommitted blocks (after a
    /// week, or at the next commit of that blob). Block ids carry a per-upload nonce, so two uploads
    /// racing for one key never commit each other's blocks.
    /// </remarks>
    public async Task<string> PutPartsAsync(string key, IAsyncEnumerable<ObjectPart> parts, WriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var blob = _container.GetBlockBlobClient(BlobName(key));
        var conditions = BlobETags.ToRequestConditions(condition);
        return await _blockUploader.UploadAsync(blob, key, parts, conditions, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(BlobName(key));
        try
        {
            // One streamed GET: the SDK resumes a broken stream only from the same ETag, so the bytes
            // are always of one version.
            var response = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            using var result = response.Value;
            var data = new byte[result.Details.ContentLength];
            await result.Content.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
            return new StoredObject(data, BlobETags.Canonical(result.Details.ETag));
        }
        catch (RequestFailedException ex) when (AzureBlobErrors.IsNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (AzureBlobErrors.IsStorageFailure(ex, cancellationToken))
        {
            throw AzureBlobErrors.ToObjectStoreException(ex, "read", key, Location);
        }
    }

    public async Task<byte[]?> ReadRangeAsync(string key, long offset, int length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var blob = _container.GetBlobClient(BlobName(key));
        try
        {
            if (length == 0)
            {
                // An empty HTTP range cannot be expressed; only existence is in question.
                return await GetInfoAsync(key, cancellationToken).ConfigureAwait(false) is null ? null : [];
            }

            var options = new BlobDownloadOptions { Range = new HttpRange(offset, length) };
            var response = await blob.DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false);
            using var result = response.Value;
            var buffer = new byte[Math.Min(length, result.Details.ContentLength)];
            await result.Content.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer;
        }
        catch (RequestFailedException ex) when (AzureBlobErrors.IsNotFound(ex))
        {
            return null;
        }
        catch (RequestFailedException ex) when (AzureBlobErrors.IsInvalidRange(ex))
        {
            // The object exists but ends at or before offset.
            return [];
        }
        catch (Exception ex) when (AzureBlobErrors.IsStorageFailure(ex, cancellationToken))
        {
            throw AzureBlobErrors.ToObjectStoreException(ex, "read a range of", key, Location);
        }
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(BlobName(key));
        try
        {
            // allowModifications: false pins the stream to the ETag seen when opening, so a concurrent
            // overwrite makes later reads fail instead of mixing versions.
            return await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = TransferChunkBytes }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (AzureBlobErrors.IsNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (AzureBlobErrors.IsStorageFailure(ex, cancellationToken))
        {
            throw AzureBlobErrors.ToObjectStoreException(ex, "open", key, Location);
        }
    }

    public async Task<long> AppendAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetAppendBlobClient(BlobName(key));
        try
        {
            return await _appendWriter.AppendAsync(blob, data, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409 && ex.ErrorCode == BlobErrorCode.InvalidBlobType)
        {
            throw new ObjectStoreException(
                $"Azure Blob storage at {Location} cannot append to '{key}': it was written with PutAsync (a block blob). Append only to keys created by AppendAsync.",
                ex);
        }
        catch (Exception ex) when (AzureBlobErrors.IsStorageFailure(ex, cancellationToken))
        {
            throw AzureBlobErrors.ToObjectStoreException(ex, "append to", key, Location);
        }
    }

    public async Task<ObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(BlobName(key));
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new ObjectInfo(key, properties.ContentLength, properties.LastModified, BlobETags.Canonical(properties.ETag));
        }
        catch (RequestFailedException ex) when (AzureBlobErrors.IsNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (AzureBlobErrors.IsStorageFailure(ex, cancellationToken))
        {
            throw AzureBlobErrors.ToObjectStoreException(ex, "read the metadata of", key, Location);
        }
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix);
        await foreach (var info in _listing.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            yield return info;
        }
    }

    public async Task<bool> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(BlobName(key));
        var conditions = ifMatch is null ? null : new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
        try
        {
            var response = await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions, cancellationToken).ConfigureAwait(false);
            if (!response.Value && ifMatch is not null)
            {
                // Like a put with IfMatch: a version that is gone no longer matches.
                throw new ObjectStorePreconditionFailedException(key, Location);
            }

            return response.Value;
        }
        catch (RequestFailedException ex) when (AzureBlobErrors.IsNotFound(ex))
        {
            if (ifMatch is not null)
            {
                throw new ObjectStorePreconditionFailedException(key, Location, ex);
            }

            return false;
        }
        catch (RequestFailedException ex) when (AzureBlobErrors.IsPreconditionFailure(ex))
        {
            throw new ObjectStorePreconditionFailedException(key, Location, ex);
        }
        catch (Exception ex) when (AzureBlobErrors.IsStorageFailure(ex, cancellationToken))
        {
            throw AzureBlobErrors.ToObjectStoreException(ex, "delete", key, Location);
        }
    }

    public async Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix);
        var keys = new List<string>();
        await foreach (var info in ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            keys.Add(info.Key);
        }

        var deleted = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = DeleteConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(keys, parallel, async (key, token) =>
        {
            if (await DeleteAsync(key, ifMatch: null, token).ConfigureAwait(false))
            {
                Interlocked.Increment(ref deleted);
            }
        }).ConfigureAwait(false);
        return deleted;
    }

    public override string ToString() => $"Azure Blob store at {Location}";

    private string BlobName(string key)
    {
        ObjectKeys.Validate(key);
        return _prefix + key;
    }
}
