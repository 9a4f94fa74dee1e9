using GrainFlow.Storage.AzureBlob;
using GrainFlow.Storage.GrainState;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;

namespace GrainFlow.Hosting;

/// <summary>Registers <see cref="ObjectStoreGrainStorage"/> on Azure Blob storage as a named grain storage provider.</summary>
public static class AzureBlobGrainStorageServiceCollectionExtensions
{
    /// <summary>Adds Azure Blob grain storage named <paramref name="name"/>, for <c>[PersistentState("state", name)]</c>.</summary>
    public static IServiceCollection AddAzureBlobGrainStorage(this IServiceCollection services, string name, Action<AzureBlobGrainStorageOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(configureOptions);
        return services.AddAzureBlobGrainStorage(name, builder => builder.Configure(configureOptions));
    }

    /// <summary>Adds Azure Blob grain storage named <paramref name="name"/>, configured through an options builder (e.g. bound to configuration).</summary>
    public static IServiceCollection AddAzureBlobGrainStorage(this IServiceCollection services, string name, Action<OptionsBuilder<AzureBlobGrainStorageOptions>>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        configureOptions?.Invoke(services.AddOptions<AzureBlobGrainStorageOptions>(name));
        services.AddTransient<IConfigurationValidator>(sp => new AzureBlobGrainStorageOptionsValidator(
            sp.GetRequiredService<IOptionsMonitor<AzureBlobGrainStorageOptions>>().Get(name), name));
        services.ConfigureNamedOptionForLogging<AzureBlobGrainStorageOptions>(name);
        return services.AddGrainStorage(name, Create);
    }

    /// <summary>Adds Azure Blob grain storage as the default provider (grains that name none).</summary>
    public static IServiceCollection AddAzureBlobGrainStorageAsDefault(this IServiceCollection services, Action<AzureBlobGrainStorageOptions> configureOptions) =>
        services.AddAzureBlobGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    private static ObjectStoreGrainStorage Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<AzureBlobGrainStorageOptions>>().Get(name);
        var client = options.BlobServiceClient ?? AzureBlobObjectStore.CreateServiceClient(options.ConnectionString!);
        var store = new AzureBlobObjectStore(client, options.ContainerName, options.KeyPrefix);
        return new ObjectStoreGrainStorage(name, store, options.JsonSerializerOptions, services.GetRequiredService<ILogger<ObjectStoreGrainStorage>>());
    }
}
