using GrainFlow.Storage.FileSystem;
using GrainFlow.Storage.GrainState;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;

namespace GrainFlow.Hosting;

/// <summary>Registers <see cref="ObjectStoreGrainStorage"/> on a local directory as a named grain storage provider.</summary>
public static class FileGrainStorageServiceCollectionExtensions
{
    /// <summary>Adds file grain storage named <paramref name="name"/>, for <c>[PersistentState("state", name)]</c>.</summary>
    public static IServiceCollection AddFileGrainStorage(this IServiceCollection services, string name, Action<FileGrainStorageOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(configureOptions);
        return services.AddFileGrainStorage(name, builder => builder.Configure(configureOptions));
    }

    /// <summary>Adds file grain storage named <paramref name="name"/>, configured through an options builder (e.g. bound to configuration).</summary>
    public static IServiceCollection AddFileGrainStorage(this IServiceCollection services, string name, Action<OptionsBuilder<FileGrainStorageOptions>>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        configureOptions?.Invoke(services.AddOptions<FileGrainStorageOptions>(name));
        services.AddTransient<IConfigurationValidator>(sp => new FileGrainStorageOptionsValidator(
            sp.GetRequiredService<IOptionsMonitor<FileGrainStorageOptions>>().Get(name), name));
        services.ConfigureNamedOptionForLogging<FileGrainStorageOptions>(name);
        return services.AddGrainStorage(name, Create);
    }

    /// <summary>Adds file grain storage as the default provider (grains that name none).</summary>
    public static IServiceCollection AddFileGrainStorageAsDefault(this IServiceCollection services, Action<FileGrainStorageOptions> configureOptions) =>
        services.AddFileGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    private static ObjectStoreGrainStorage Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<FileGrainStorageOptions>>().Get(name);
        var store = new FileSystemObjectStore(options.RootDirectory!);
        return new ObjectStoreGrainStorage(name, store, options.JsonSerializerOptions, services.GetRequiredService<ILogger<ObjectStoreGrainStorage>>());
    }
}
