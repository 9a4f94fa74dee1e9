using GrainFlow.Hosting;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace GrainFlow.Runtime.Hosting;

public static class GrainFlowSiloBuilderExtensions
{
    /// <summary>
    /// Adds the GrainFlow runtime to a silo: job registry and managers, subtask grains and their
    /// placement, topics, and the grain storage for job records (file storage in the data store, or Orleans'
    /// Azure Blob grain storage with <c>grainflow.storage.type=AZURE_BLOB</c>).
    /// </summary>
    public static ISiloBuilder AddGrainFlow(this ISiloBuilder builder, Action<GrainFlowOptions>? configure = null)
    {
        var options = new GrainFlowOptions();
        configure?.Invoke(options);
        builder.ConfigureServices(services =>
        {
            services.TryAddSingleton(TimeProvider.System);
            services.AddSingleton(options);
            services.AddSingleton(options.Configuration);
            services.AddTransient<IConfigurationValidator>(_ => new GrainFlowOptionsValidator(options));
            services.AddSingleton(sp => new GrainFlowStores(options.StoreFactory?.Invoke(sp) ?? StorageOptions.CreateStore(options.Configuration)));
            services.AddSingleton(sp => new JobCatalog(sp.GetServices<JobRegistration>(), sp, options.Configuration,
                sp.GetServices<KnownConfigOptions>().SelectMany(k => k.Options)));
            services.AddSingleton<Checkpointing.StateCodecs>();
            services.TryAddSingleton<Diagnostics.MetricRegistry>();
            services.AddPlacementDirector<SubtaskPlacementStrategy, SubtaskPlacementDirector>();
            // Wake the job managers when a silo dies (they may have died with it), and when the cluster starts.
            services.AddSingleton<UnfinishedJobWaker>();
            services.AddSingleton<SiloLossWatcher>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloLossWatcher>());
            services.AddSingleton<JobResumptionOnStart>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<JobResumptionOnStart>());
            // Says what a graceful stop of the last silo leaves, and keeps its tasks from failing over to nowhere.
            services.AddSingleton<ClusterShutdown>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ClusterShutdown>());
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, GarbageCollectorCheck>();
        });
        return options.StoreFactory is null
            ? builder.AddGrainFlowGrainStorage(GrainFlowStorage.ProviderName, options.Configuration)
            : builder.AddObjectStoreGrainStorage(GrainFlowStorage.ProviderName, sp => sp.GetRequiredService<GrainFlowStores>().Data);
    }

    /// <summary>Registers a job type under <paramref name="name"/>, the name <c>grainflow run</c> uses.</summary>
    public static ISiloBuilder AddGrainFlowJob<TJob>(this ISiloBuilder builder, string name) where TJob : IStreamingJob, new() =>
        builder.AddGrainFlowJob(name, _ => new TJob());

    public static ISiloBuilder AddGrainFlowJob(this ISiloBuilder builder, string name, Func<IServiceProvider, IStreamingJob> factory)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(char.IsWhiteSpace)) throw new ArgumentException($"'{name}' is not a valid job name: use a non-empty name without spaces.", nameof(name));
        return builder.ConfigureServices(services => services.AddSingleton(new JobRegistration(name, factory)));
    }
}
