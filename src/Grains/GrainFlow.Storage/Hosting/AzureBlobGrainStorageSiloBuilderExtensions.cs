using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Providers;

namespace GrainFlow.Hosting;

/// <summary><see cref="ISiloBuilder"/> shortcuts for <see cref="AzureBlobGrainStorageServiceCollectionExtensions"/>.</summary>
public static class AzureBlobGrainStorageSiloBuilderExtensions
{
    /// <summary>Adds Azure Blob grain storage named <paramref name="name"/>, for <c>[PersistentState("state", name)]</c>.</summary>
    public static ISiloBuilder AddAzureBlobGrainStorage(this ISiloBuilder builder, string name, Action<AzureBlobGrainStorageOptions> configureOptions) =>
        builder.ConfigureServices(services => services.AddAzureBlobGrainStorage(name, configureOptions));

    /// <summary>Adds Azure Blob grain storage named <paramref name="name"/>, configured through an options builder.</summary>
    public static ISiloBuilder AddAzureBlobGrainStorage(this ISiloBuilder builder, string name, Action<OptionsBuilder<AzureBlobGrainStorageOptions>>? configureOptions = null) =>
        builder.ConfigureServices(services => services.AddAzureBlobGrainStorage(name, configureOptions));

    /// <summary>Adds Azure Blob grain storage as the default provider.</summary>
    public static ISiloBuilder AddAzureBlobGrainStorageAsDefault(this ISiloBuilder builder, Action<AzureBlobGrainStorageOptions> configureOptions) =>
        builder.AddAzureBlobGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);
}
