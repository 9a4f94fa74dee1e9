using Azure.Storage.Blobs;
using GrainFlow.Storage.GrainState;
using Orleans.Configuration;

namespace GrainFlow.Hosting;

/// <summary>The official Orleans Azure Blob grain storage, set up the way GrainFlow stores grain state.</summary>
public static class GrainFlowBlobGrainStorageSiloBuilderExtensions
{
    /// <summary>
    /// Adds Orleans' <c>AddAzureBlobGrainStorage</c> as <paramref name="name"/> on <paramref name="containerName"/>
    /// (the client is made when the silo reads its options, so bad settings fail the silo's start, not this call),
    /// storing each state as JSON (the file grain storage's format) in the blob <c>&lt;state name&gt;-&lt;grain id&gt;.json</c>.
    /// </summary>
    public static ISiloBuilder AddGrainFlowBlobGrainStorage(this ISiloBuilder builder, string name, Func<BlobServiceClient> service, string containerName)
    {
        ArgumentNullException.ThrowIfNull(service);
        return builder.AddAzureBlobGrainStorage(name, (AzureBlobStorageOptions o) =>
        {
            o.BlobServiceClient = service();
            o.ContainerName = containerName;
            o.GrainStorageSerializer = new JsonGrainStateSerializer();
        });
    }
}
