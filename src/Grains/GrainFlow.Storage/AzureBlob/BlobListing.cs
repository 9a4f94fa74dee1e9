using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace GrainFlow.Storage.AzureBlob;

/// <summary>
/// Lists the objects of an <see cref="AzureBlobObjectStore"/>: the blobs below a prefix, with the
/// store's folder cut off their names; none when the container does not exist yet.
/// </summary>
/// <param name="container">The store's container.</param>
/// <param name="keyPrefix">The store's folder in the container ("" or ending with '/').</param>
/// <param name="location">The store's location, for error messages.</param>
internal sealed class BlobListing(BlobContainerClient container, string keyPrefix, string location)
{
    /// <summary>The objects whose keys start with <paramref name="prefix"/> (already validated), in ordinal order.</summary>
    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var what = prefix.Length == 0 ? "(all keys)" : prefix + "*";

        // The service lists in ordinal (UTF-8 byte) order already.
        var blobs = container.GetBlobsAsync(new GetBlobsOptions { Prefix = keyPrefix + prefix }, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                BlobItem item;
                try
                {
                    if (!await blobs.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }

                    item = blobs.Current;
                }
                catch (RequestFailedException ex) when (AzureBlobErrors.IsContainerNotFound(ex))
                {
                    yield break;
                }
                catch (Exception ex) when (AzureBlobErrors.IsStorageFailure(ex, cancellationToken))
                {
                    throw AzureBlobErrors.ToObjectStoreException(ex, "list", what, location);
                }

                var properties = item.Properties;
                yield return new ObjectInfo(
                    item.Name[keyPrefix.Length..],
                    properties.ContentLength ?? 0,
                    properties.LastModified ?? DateTimeOffset.MinValue,
                    properties.ETag is { } etag ? BlobETags.Canonical(etag) : string.Empty);
            }
        }
        finally
        {
            await blobs.DisposeAsync().ConfigureAwait(false);
        }
    }
}
