using System.Text.Json;
using Azure.Storage.Blobs;
using Orleans;

namespace GrainFlow.Hosting;

/// <summary>Settings of a grain storage provider on Azure Blob storage (see <c>AddAzureBlobGrainStorage</c>).</summary>
public sealed class AzureBlobGrainStorageOptions
{
    public const string DefaultContainerName = "grainstate";

    /// <summary>
    /// The account to use, e.g. <c>new BlobServiceClient(uri, new DefaultAzureCredential())</c>. Takes
    /// precedence over <see cref="ConnectionString"/>.
    /// </summary>
    public BlobServiceClient? BlobServiceClient { get; set; }

    /// <summary>A connection string (account key, SAS or Azurite), used when <see cref="BlobServiceClient"/> is not set.</summary>
    [RedactConnectionString]
    public string? ConnectionString { get; set; }

    /// <summary>The container holding the states; created on the first write when missing.</summary>
    public string ContainerName { get; set; } = DefaultContainerName;

    /// <summary>Optional folder inside the container, so that several clusters or providers can share one container.</summary>
    public string? KeyPrefix { get; set; }

    /// <summary>How states are serialised; <c>ObjectStoreGrainStorage.CreateDefaultJsonOptions()</c> when null.</summary>
    public JsonSerializerOptions? JsonSerializerOptions { get; set; }
}
