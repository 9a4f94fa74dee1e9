using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Providers;

namespace GrainFlow.Hosting;

/// <summary><see cref="ISiloBuilder"/> shortcuts for <see cref="FileGrainStorageServiceCollectionExtensions"/>.</summary>
public static class FileGrainStorageSiloBuilderExtensions
{
    /// <summary>Adds file grain storage named <paramref name="name"/>, for <c>[PersistentState("state", name)]</c>.</summary>
    public static ISiloBuilder AddFileGrainStorage(this ISiloBuilder builder, string name, Action<FileGrainStorageOptions> configureOptions) =>
        builder.ConfigureServices(services => services.AddFileGrainStorage(name, configureOptions));

    /// <summary>Adds file grain storage named <paramref name="name"/>, configured through an options builder.</summary>
    public static ISiloBuilder AddFileGrainStorage(this ISiloBuilder builder, string name, Action<OptionsBuilder<FileGrainStorageOptions>>? configureOptions = null) =>
        builder.ConfigureServices(services => services.AddFileGrainStorage(name, configureOptions));

    /// <summary>Adds file grain storage as the default provider.</summary>
    public static ISiloBuilder AddFileGrainStorageAsDefault(this ISiloBuilder builder, Action<FileGrainStorageOptions> configureOptions) =>
        builder.AddFileGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);
}
