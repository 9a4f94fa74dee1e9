using System.Text.Json;
using GrainFlow.Storage;
using Orleans.Hosting;

namespace GrainFlow.Hosting;

/// <summary><see cref="ISiloBuilder"/> shortcut for <see cref="ObjectStoreGrainStorageServiceCollectionExtensions"/>.</summary>
public static class ObjectStoreGrainStorageSiloBuilderExtensions
{
    /// <summary>Adds grain storage named <paramref name="name"/> on the store <paramref name="storeFactory"/> returns.</summary>
    public static ISiloBuilder AddObjectStoreGrainStorage(this ISiloBuilder builder, string name, Func<IServiceProvider, IObjectStore> storeFactory, JsonSerializerOptions? jsonSerializerOptions = null) =>
        builder.ConfigureServices(services => services.AddObjectStoreGrainStorage(name, storeFactory, jsonSerializerOptions));
}
