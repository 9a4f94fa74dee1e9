using Azure.Core;
using Azure.Storage.Blobs;

namespace GrainFlow.Storage.AzureBlob;

/// <summary>
/// Builds the SDK clients the <see cref="AzureBlobObjectStore"/> works with (see its
/// <see cref="AzureBlobObjectStore.CreateClientOptions"/> for why the retries are bounded as they are).
/// </summary>
internal static class AzureBlobClients
{
    public static BlobClientOptions CreateClientOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(4);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }

    /// <exception cref="ArgumentException">The connection string cannot be parsed.</exception>
    public static BlobServiceClient CreateServiceClient(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        try
        {
            return new BlobServiceClient(connectionString, CreateClientOptions());
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            // Not the SDK's message: it may quote the connection string, key included.
            throw new ArgumentException(
                "The Azure Storage connection string could not be parsed. Expected the form " +
                "'DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net' " +
                "(or with BlobEndpoint=... for Azurite).", nameof(connectionString), ex);
        }
    }

    /// <summary>The client of a container of <paramref name="service"/>, after validating its name.</summary>
    public static BlobContainerClient CreateContainerClient(BlobServiceClient service, string containerName)
    {
        ArgumentNullException.ThrowIfNull(service);
        BlobContainerNames.Validate(containerName);
        return service.GetBlobContainerClient(containerName);
    }
}
