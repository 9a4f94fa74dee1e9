using System.Text.Json;
using GrainFlow.Storage;
using GrainFlow.Storage.GrainState;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Hosting;

namespace GrainFlow.Hosting;

/// <summary>Registers grain storage on any <see cref="IObjectStore"/>, e.g. the one that already holds a job's checkpoints.</summary>
public static class ObjectStoreGrainStorageServiceCollectionExtensions
{
    /// <summary>Adds grain storage named <paramref name="name"/> on the store <paramref name="storeFactory"/> returns.</summary>
    public static IServiceCollection AddObjectStoreGrainStorage(this IServiceCollection services, string name, Func<IServiceProvider, IObjectStore> storeFactory, JsonSerializerOptions? jsonSerializerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(storeFactory);
        return services.AddGrainStorage(name, (sp, providerName) => new ObjectStoreGrainStorage(
            providerName,
            storeFactory(sp),
            jsonSerializerOptions,
            sp.GetRequiredService<ILogger<ObjectStoreGrainStorage>>()));
    }
}
