using GrainFlow.Configuration;
using GrainFlow.Hosting;
using GrainFlow.Runtime.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GrainFlow.Runtime.Hosting;

public static class GrainStorageSiloBuilderExtensions
{
    /// <summary>
    /// Adds grain storage <paramref name="name"/> where the <c>grainflow.storage.*</c> keys say: Orleans'
    /// Azure Blob grain storage for <c>AZURE_BLOB</c>, otherwise the file grain storage in the data store.
    /// </summary>
    public static ISiloBuilder AddGrainFlowGrainStorage(this ISiloBuilder builder, string name, GrainFlowConfiguration configuration)
    {
        if (configuration.Get(StorageOptions.Type) != StorageType.AzureBlob)
        {
            return builder.AddObjectStoreGrainStorage(name, sp => sp.GetRequiredService<GrainFlowStores>().Data);
        }
        builder.ConfigureServices(services =>
        {
            // Once per silo, however many providers are on blob storage.
            if (services.Any(d => d.ServiceType == typeof(FormerBlobGrainStateCheck))) return;
            services.AddSingleton<FormerBlobGrainStateCheck>()
                .AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<FormerBlobGrainStateCheck>());
        });
        return builder.AddGrainFlowBlobGrainStorage(name, () => StorageOptions.CreateBlobServiceClient(configuration),
            configuration.Get(StorageOptions.AzureGrainStateContainer));
    }
}
