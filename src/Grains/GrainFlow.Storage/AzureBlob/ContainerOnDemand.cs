using Azure;
using Azure.Storage.Blobs;

namespace GrainFlow.Storage.AzureBlob;

/// <summary>
/// The store's container, created the first time a write finds it missing, so a store can be pointed at
/// a fresh account.
/// </summary>
internal sealed class ContainerOnDemand(BlobContainerClient container)
{
    /// <summary>Runs a write, creating the container and retrying once when the container is missing.</summary>
    public async Task<T> WriteAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken)
    {
        try
        {
            return await write().ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (AzureBlobErrors.IsContainerNotFound(ex))
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return await write().ConfigureAwait(false);
        }
    }
}
